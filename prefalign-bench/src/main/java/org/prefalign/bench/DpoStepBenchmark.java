package org.prefalign.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.core.autodiff.Implementation;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.kernel.MaskedReductions;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.optim.AdamW;
import org.prefalign.core.optim.GradientAccumulation;
import org.prefalign.core.optim.LearningRateSchedule;

/**
 * One DPO training step on stories260K, timed: 8 pairs × 128 tokens (a 32-token prompt shared by
 * the pair, 96-token chosen and rejected completions), i.e. a policy forward + backward over
 * 16 × 128 = 2,048 tokens, a forward of the frozen reference over the same tokens, completion
 * log-probs as masked sums, DPO's {@code sigmoid} loss (β = 0.1) from
 * {@code Objectives.pairwise}, clipping at norm 1 and AdamW. Tokens are random ids (the time does
 * not depend on them).
 *
 * <p>Prints the median and minimum over the timed steps of the whole step and of each phase, and
 * policy tokens/s (2,048 / median step time), for the decoder's fused ops on the Vector API
 * ({@link Implementation#AUTO}) and on ND4J ops ({@link Implementation#ARRAY_OPS}), with the load
 * average, since other work on the machine takes cores from the run. Run it with
 * {@code OMP_NUM_THREADS=1} on a small machine (ND4J-NOTES.md: one thread was faster for a tiny model):
 *
 * <pre>OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -cp prefalign-bench/target/benchmarks.jar \
 *     org.prefalign.bench.DpoStepBenchmark [stories260K.gguf] [timed steps, default 30] [warm-up steps, default 30]</pre>
 */
public final class DpoStepBenchmark {

    static final int PAIRS = 8;
    static final int LENGTH = 128;
    static final int PROMPT = 32;
    private static final int BOS = 1;
    private static final String[] PHASES = {"reference forward", "policy forward", "objective", "policy backward",
        "clip + AdamW", "whole step"};

    private DpoStepBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0])
                : Path.of(System.getProperty("prefalign.shared", "../shared"), "models", "stories260K.gguf");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (steps < 20) {
            throw new IllegalArgumentException("timed steps must be >= 20 for a median, got " + steps);
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "DPO step on stories260K: %d pairs x %d tokens (prompt %d) = %d policy tokens;"
                + " OMP_NUM_THREADS=%s, ND4J threads %d, %d cores; load average before %.2f",
                PAIRS, LENGTH, PROMPT, 2 * PAIRS * LENGTH, System.getenv("OMP_NUM_THREADS"),
                Nd4j.getEnvironment().maxThreads(), Runtime.getRuntime().availableProcessors(), loadAverage()));
        for (Implementation impl : new Implementation[] {Implementation.AUTO, Implementation.ARRAY_OPS}) {
            lines.addAll(measure(file, impl, steps, warmup));
        }
        lines.add(String.format(Locale.ROOT, "load average after %.2f (goal: >= 10,000 policy tokens/s)", loadAverage()));
        lines.forEach(System.out::println);
    }

    /** Warm-up steps, then the timed ones; one line per phase. */
    private static List<String> measure(Path file, Implementation impl, int steps, int warmup) throws IOException {
        Step step = new Step(LlamaModel.fromGguf(file).withImplementation(impl),
                LlamaModel.fromGguf(file).withImplementation(impl));
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        double[][] ms = new double[PHASES.length][steps];
        for (int i = 0; i < steps; i++) {
            double[] phases = step.run();
            for (int p = 0; p < PHASES.length; p++) {
                ms[p][i] = phases[p];
            }
        }
        List<String> lines = new ArrayList<>();
        double median = median(ms[PHASES.length - 1]);
        lines.add(String.format(Locale.ROOT, "%s: %.0f policy tokens/s, %.1f ms/step (median of %d steps after %d warm-up;"
                + " last loss %.6f)", impl, 2 * PAIRS * LENGTH / median * 1e3, median, steps, warmup, step.lastLoss));
        for (int p = 0; p < PHASES.length; p++) {
            lines.add(String.format(Locale.ROOT, "  %-18s median %7.2f ms   min %7.2f ms", PHASES[p], median(ms[p]),
                    Arrays.stream(ms[p]).min().orElseThrow()));
        }
        return lines;
    }

    /** The models, the batch, the loss and the optimizer of the step. */
    private static final class Step {
        private final LlamaModel policy;
        private final LlamaModel reference;
        private final TokenBatch batch;
        private final int[][] targets;
        private final INDArray completionMask;
        private final PairwiseObjective dpo = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": 0.1}");
        private final GradientAccumulation optimizer;
        double lastLoss;

        Step(LlamaModel policy, LlamaModel reference) {
            this.policy = policy;
            this.reference = reference;
            // rows 0..7 chosen, 8..15 rejected; pair i shares its prompt
            SplittableRandom rng = new SplittableRandom(1);
            int[][] tokens = new int[2 * PAIRS][LENGTH];
            for (int i = 0; i < PAIRS; i++) {
                tokens[i][0] = BOS;
                for (int t = 1; t < LENGTH; t++) {
                    tokens[i][t] = 3 + rng.nextInt(policy.vocabSize() - 3);
                }
                tokens[PAIRS + i] = tokens[i].clone();
                for (int t = PROMPT; t < LENGTH; t++) {
                    tokens[PAIRS + i][t] = 3 + rng.nextInt(policy.vocabSize() - 3);
                }
            }
            batch = TokenBatch.of(tokens);
            targets = batch.nextTokenTargets();
            // log-prob t is of token t+1: the completion's are t = PROMPT−1 .. LENGTH−2
            completionMask = Nd4j.create(DataType.FLOAT, 2 * PAIRS, LENGTH);
            completionMask.get(NDArrayIndex.all(), NDArrayIndex.interval(PROMPT - 1, LENGTH - 1)).assign(1);
            optimizer = new GradientAccumulation(new AdamW(policy.parameters(), AdamW.Config.torchDefaults(),
                    AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS), LearningRateSchedule.constant(1e-6), 1, 1.0);
        }

        /** One step; the milliseconds of each phase and of the whole. */
        double[] run() {
            long t0 = System.nanoTime();
            INDArray refSums = MaskedReductions.sum(reference.logProbs(batch, targets), completionMask);
            long t1 = System.nanoTime();
            long t2;
            long t3;
            try (ForwardPass pass = ForwardPass.training(policy, batch)) {
                Tensor logps = pass.tokenLogProbs(targets);
                t2 = System.nanoTime();
                INDArray sums = MaskedReductions.sum(logps.value(), completionMask);
                ObjectiveResult r = dpo.compute(new PairwiseLogps(chosen(sums), rejected(sums), chosen(refSums),
                        rejected(refSums), null, null));
                lastLoss = r.loss();
                INDArray upstream = Nd4j.concat(0, r.grad("policyChosen").reshape(PAIRS), r.grad("policyRejected").reshape(PAIRS));
                INDArray dLogps = MaskedReductions.sumBackward(completionMask, upstream);
                t3 = System.nanoTime();
                pass.backward(logps, dLogps);
            }
            long t4 = System.nanoTime();
            optimizer.microBatchDone();
            long t5 = System.nanoTime();
            return new double[] {ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5), ms(t0, t5)};
        }

        private static INDArray chosen(INDArray sums) {
            return sums.get(NDArrayIndex.interval(0, PAIRS)).dup();
        }

        private static INDArray rejected(INDArray sums) {
            return sums.get(NDArrayIndex.interval(PAIRS, 2 * PAIRS)).dup();
        }
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The 1-minute load average (other processes share the cores). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
