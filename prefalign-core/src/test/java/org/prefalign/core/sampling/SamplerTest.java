package org.prefalign.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;

/** Sampling from stories260K. */
class SamplerTest {

    private static final int BOS = 1;
    private static final int EOS = 2;

    private static LlamaModel model;
    private static SentencePieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        GgufFile file = GgufFile.read(Path.of(System.getProperty("prefalign.shared", "../../shared"), "models/stories260K.gguf"));
        model = LlamaModel.fromGguf(file, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        tokenizer = SentencePieceTokenizer.fromGguf(file);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void greedyFromBosTellsAStoryAndEveryTokenIsTheFullForwardArgmax() {
        Completion c = new Sampler(model, SamplingConfig.greedy(60, EOS)).generate(List.of(new int[] {BOS})).get(0);
        String text = tokenizer.decode(c.tokens(), true);
        assertTrue(text.startsWith("Once upon a time"), text);
        int[] seq = concat(new int[] {BOS}, c.tokens());
        TokenBatch batch = TokenBatch.of(new int[][] {seq});
        try (ForwardPass pass = ForwardPass.inference(model, batch)) {
            for (int t = 0; t + 1 < seq.length; t++) {
                INDArray logits = pass.logitsAt(new int[] {t}).value();
                assertEquals(seq[t + 1], logits.argMax(1).getInt(0), "position " + t + " of: " + text);
            }
        }
        assertTrue(Arrays.stream(c.logProbs()).allMatch(x -> x == 0.0), "greedy draws from a point mass");
    }

    @Test
    void batchedSamplingEqualsOneAtATimeSampling() {
        List<int[]> prompts = List.of(
                tokenizer.encode("Once upon a time, there was a little girl", org.prefalign.core.tokenizer.EncodeOptions.DEFAULT),
                new int[] {BOS},
                tokenizer.encode("Tom and his dog", org.prefalign.core.tokenizer.EncodeOptions.DEFAULT));
        long[] seeds = {11, 22, 33};
        // plain sampling: the same tokens and, up to float rounding of the padded batch, the same log-probs
        assertBatchedEqualsAlone(prompts, seeds, SamplingConfig.sample(0.9, 24, 7, EOS), 1e-4);
        // with thresholds a token at the min-p / top-p border may be kept in one run and not in the
        // other (float rounding), which renormalises by up to its probability: tokens still agree
        assertBatchedEqualsAlone(prompts, seeds,
                SamplingConfig.sample(0.9, 24, 7, EOS).withTopK(40).withTopP(0.95).withMinP(0.02), 0.05);
        Sampler sampler = new Sampler(model, SamplingConfig.sample(0.9, 24, 7, EOS));
        assertNotEquals(Arrays.toString(sampler.generate(prompts, seeds).get(1).tokens()),
                Arrays.toString(sampler.generate(List.of(prompts.get(1)), new long[] {23}).get(0).tokens()),
                "another seed, another story");
    }

    private static void assertBatchedEqualsAlone(List<int[]> prompts, long[] seeds, SamplingConfig config, double logProbTol) {
        Sampler sampler = new Sampler(model, config);
        List<Completion> batched = sampler.generate(prompts, seeds);
        for (int i = 0; i < prompts.size(); i++) {
            Completion alone = sampler.generate(List.of(prompts.get(i)), new long[] {seeds[i]}).get(0);
            assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "prompt " + i + " " + config);
            assertArrayEquals(alone.logProbs(), batched.get(i).logProbs(), logProbTol, "prompt " + i + " " + config);
            assertEquals(alone.finishReason(), batched.get(i).finishReason());
        }
    }

    @Test
    void unfilteredSamplingLogProbsAreTheModelsLogProbs() {
        int[] prompt = {BOS};
        Completion c = new Sampler(model, SamplingConfig.sample(1.0, 20, 3)).generate(List.of(prompt)).get(0);
        int[] seq = concat(prompt, c.tokens());
        TokenBatch batch = TokenBatch.of(new int[][] {seq});
        INDArray lp = model.logProbs(batch, batch.nextTokenTargets());
        for (int t = 0; t < c.tokens().length; t++) {
            assertEquals(lp.getDouble(0, t), c.logProbs()[t], 1e-4, "token " + t);
        }
        assertEquals(Completion.FinishReason.LENGTH, c.finishReason());
        assertEquals(20, c.tokens().length);
    }

    @Test
    void aStopTokenEndsTheCompletionAndIsIncluded() {
        int[] free = new Sampler(model, SamplingConfig.greedy(30)).generate(List.of(new int[] {BOS})).get(0).tokens();
        int stop = free[6];
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        Completion c = new Sampler(model, SamplingConfig.greedy(30, stop)).generate(List.of(new int[] {BOS})).get(0);
        assertEquals(Completion.FinishReason.STOP, c.finishReason());
        assertArrayEquals(Arrays.copyOf(free, first + 1), c.tokens());
    }

    @Test
    void sameSeedSameCompletions() {
        SamplingConfig config = SamplingConfig.sample(1.0, 16, 99);
        List<int[]> prompts = List.of(new int[] {BOS}, new int[] {BOS});
        List<Completion> a = new Sampler(model, config).generate(prompts);
        List<Completion> b = new Sampler(model, config).generate(prompts);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
        }
        assertNotEquals(Arrays.toString(a.get(0).tokens()), Arrays.toString(a.get(1).tokens()),
                "two sequences of one batch draw from different streams");
    }
}
