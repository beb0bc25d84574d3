package org.prefalign.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.optim.AdamW;
import org.prefalign.core.optim.GradientAccumulation;
import org.prefalign.core.optim.LearningRateSchedule;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;

/**
 * The model layer's acceptance test: supervised fine-tuning of stories260K (a real pretrained
 * Llama) on a small corpus of generated sentences lowers the loss on held-out sentences of the
 * same kind, and a run saved to a checkpoint, loaded into fresh objects and continued gives the
 * same losses and parameters, bit for bit, as a run that never stopped.
 *
 * <p>The loop is the whole of a training step: sequences drawn by a {@link SplitMix64} seed
 * stream, two micro-batches per optimizer step with the loss normalised by the step's token
 * count, clipping, AdamW under a warmup-cosine schedule. The model computes as it does by default
 * ({@code Implementation.AUTO}: the Vector API kernels on a CPU), whose bits do not depend on how
 * far the JIT has got, so the two runs can be compared bit for bit within one JVM.
 */
class SupervisedFineTuningTest {

    private static final int STEPS = 12;
    private static final int SEQUENCES_PER_MICRO_BATCH = 4;
    private static final int MICRO_BATCHES = 2;

    private static Path model;
    private static List<int[]> train;
    private static List<int[]> heldOut;
    /** The run that never stops, and its held-out loss before and after training. */
    private static Run straight;
    private static double heldOutBefore;
    private static double heldOutAfter;

    @TempDir
    Path dir;

    @BeforeAll
    static void corpusAndUninterruptedRun() throws IOException {
        model = Path.of(System.getProperty("prefalign.shared", "../../shared")).resolve("models/stories260K.gguf");
        SentencePieceTokenizer tokenizer = SentencePieceTokenizer.fromGguf(GgufFile.read(model));
        int eos = tokenizer.eosId().orElseThrow();
        // every (name, friend, colour, thing) combination once, in a seeded order; the first 300 train
        String[] names = {"Tom", "Lily", "Ben", "Mia", "Sam", "Anna"};
        String[] colours = {"red", "blue", "green", "big", "little", "yellow"};
        String[] things = {"ball", "cat", "box", "hat", "dog", "car", "kite", "cake"};
        List<String> sentences = new ArrayList<>();
        for (String a : names) {
            for (String b : names) {
                if (a.equals(b)) {
                    continue;
                }
                for (String c : colours) {
                    for (String t : things) {
                        sentences.add(a + " gave " + b + " a " + c + " " + t + ". " + b + " said thank you.");
                    }
                }
            }
        }
        SplitMix64 shuffle = new SplitMix64(17);
        for (int i = sentences.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            String s = sentences.get(i);
            sentences.set(i, sentences.get(j));
            sentences.set(j, s);
        }
        train = new ArrayList<>();
        heldOut = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
            int[] ids = tokenizer.encode(sentences.get(i));
            int[] withEos = Arrays.copyOf(ids, ids.length + 1);
            withEos[ids.length] = eos;
            (i < 300 ? train : heldOut).add(withEos);
        }
        Set<String> trainText = new LinkedHashSet<>(sentences.subList(0, 300));
        for (String s : sentences.subList(300, 360)) {
            assertTrue(!trainText.contains(s), "held-out sentences are not training sentences");
        }
        straight = new Run(11);
        heldOutBefore = heldOutLoss(straight.policy);
        for (int s = 0; s < STEPS; s++) {
            straight.step();
        }
        heldOutAfter = heldOutLoss(straight.policy);
    }

    /** A run's mutable parts: the policy, AdamW with its accumulation, and the seed stream. */
    private static final class Run {
        final CausalLM policy;
        final AdamW adam;
        final GradientAccumulation accumulation;
        final SplitMix64 seeds;
        final List<Double> losses = new ArrayList<>();

        Run(long seed) throws IOException {
            policy = LlamaModel.fromGguf(model);
            adam = new AdamW(policy.parameters(), new AdamW.Config(0.9, 0.95, 1e-8, 0.01),
                    AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS);
            accumulation = new GradientAccumulation(adam, LearningRateSchedule.warmupCosine(3e-3, 4, STEPS),
                    MICRO_BATCHES, 1.0);
            seeds = new SplitMix64(seed);
        }

        Map<String, Checkpointable> parts() {
            Map<String, Checkpointable> parts = new LinkedHashMap<>();
            parts.put("model", new ParameterState(policy));
            parts.put("optimizer", new OptimizerState(adam));
            parts.put("seeds", seeds);
            return parts;
        }

        /** One optimizer step; records its loss (mean token NLL over the step). */
        void step() {
            List<List<int[]>> micro = new ArrayList<>();
            int tokens = 0;
            for (int m = 0; m < MICRO_BATCHES; m++) {
                List<int[]> batch = new ArrayList<>();
                for (int i = 0; i < SEQUENCES_PER_MICRO_BATCH; i++) {
                    int[] seq = train.get(seeds.nextInt(train.size()));
                    batch.add(seq);
                    tokens += seq.length - 1;
                }
                micro.add(batch);
            }
            double loss = 0;
            for (List<int[]> batch : micro) {
                TokenBatch tb = padRight(batch);
                int[][] targets = tb.nextTokenTargets();
                try (ForwardPass pass = ForwardPass.training(policy, tb)) {
                    Tensor logps = pass.tokenLogProbs(targets);
                    loss -= logps.value().sumNumber().doubleValue() / tokens;
                    INDArray seed = Nd4j.create(DataType.FLOAT, tb.batchSize(), tb.length());
                    for (int b = 0; b < targets.length; b++) {
                        for (int t = 0; t < targets[b].length; t++) {
                            seed.putScalar(b, t, targets[b][t] < 0 ? 0.0 : -1.0 / tokens);
                        }
                    }
                    pass.backward(logps, seed);
                }
                accumulation.microBatchDone();
            }
            losses.add(loss);
        }
    }

    private static TokenBatch padRight(List<int[]> seqs) {
        int t = seqs.stream().mapToInt(s -> s.length).max().orElseThrow();
        int[][] tokens = new int[seqs.size()][t];
        boolean[][] mask = new boolean[seqs.size()][t];
        for (int b = 0; b < seqs.size(); b++) {
            System.arraycopy(seqs.get(b), 0, tokens[b], 0, seqs.get(b).length);
            Arrays.fill(mask[b], 0, seqs.get(b).length, true);
        }
        return TokenBatch.padded(tokens, mask);
    }

    /** Mean next-token NLL over the held-out sentences. */
    private static double heldOutLoss(CausalLM policy) {
        TokenBatch tb = padRight(heldOut);
        int[][] targets = tb.nextTokenTargets();
        INDArray lp = policy.logProbs(tb, targets);
        int count = 0;
        for (int[] row : targets) {
            for (int y : row) {
                count += y < 0 ? 0 : 1;
            }
        }
        return -lp.sumNumber().doubleValue() / count;
    }

    private static float[] bits(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    @Test
    void fineTuningLowersHeldOutLoss() {
        System.out.printf("SFT stories260K: held-out loss %.4f -> %.4f nats/token after %d steps (train loss %.4f -> %.4f)%n",
                heldOutBefore, heldOutAfter, STEPS, straight.losses.get(0), straight.losses.get(STEPS - 1));
        assertTrue(heldOutAfter < 0.6 * heldOutBefore, "held-out loss " + heldOutBefore + " -> " + heldOutAfter);
    }

    @Test
    void saveLoadContinueGivesExactlyTheNumbersOfAnUninterruptedRun() throws IOException {
        int stop = STEPS / 2;
        Run first = new Run(11);
        for (int s = 0; s < stop; s++) {
            first.step();
        }
        Path saved = Checkpoint.directoryFor(dir, stop);
        Checkpoint.save(saved, stop, first.parts());

        Run resumed = new Run(99); // different seed: everything that matters must come from the checkpoint
        resumed.policy.parameters().values().forEach(p -> p.value().addi(0.01));
        Checkpoint checkpoint = Checkpoint.latest(dir).orElseThrow();
        assertEquals(stop, checkpoint.step());
        checkpoint.restore(resumed.parts());
        resumed.losses.addAll(first.losses);
        for (int s = stop; s < STEPS; s++) {
            resumed.step();
        }

        assertEquals(STEPS, resumed.losses.size());
        for (int s = 0; s < STEPS; s++) {
            assertEquals(Double.doubleToRawLongBits(straight.losses.get(s)), Double.doubleToRawLongBits(resumed.losses.get(s)),
                    "loss of step " + s + ": " + straight.losses.get(s) + " vs " + resumed.losses.get(s));
        }
        for (String name : straight.policy.parameters().keySet()) {
            assertArrayEquals(bits(straight.policy.parameters().get(name).value()),
                    bits(resumed.policy.parameters().get(name).value()), name);
        }
        Map<String, INDArray> want = straight.adam.stateDict();
        Map<String, INDArray> got = resumed.adam.stateDict();
        assertEquals(want.get("step").getLong(0), got.get("step").getLong(0));
        for (String slot : want.keySet()) {
            if (!slot.equals("step")) {
                assertArrayEquals(bits(want.get(slot)), bits(got.get(slot)), slot);
            }
        }
        assertEquals(straight.seeds.nextLong(), resumed.seeds.nextLong());
        assertTrue(straight.losses.get(STEPS - 1) < straight.losses.get(0), "the run trains");
    }
}
