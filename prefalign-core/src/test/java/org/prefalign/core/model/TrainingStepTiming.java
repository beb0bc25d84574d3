package org.prefalign.core.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.optim.AdamW;
import org.prefalign.core.optim.GradientAccumulation;
import org.prefalign.core.optim.LearningRateSchedule;

/**
 * Prints timings on stories260K for 16 sequences × 128 tokens (the shape of a DPO step with 8
 * pairs): a policy forward + backward, a forward without gradients, and a whole DPO-shaped step
 * (policy forward + backward, reference forward, clipping and AdamW). A measurement for humans,
 * not a test: {@code java --add-modules jdk.incubator.vector -cp ... org.prefalign.core.model.TrainingStepTiming
 * [shared dir] [iterations]}, with OMP_NUM_THREADS=1 on small machines.
 */
public final class TrainingStepTiming {

    private TrainingStepTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("prefalign.shared", "../shared"));
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        LlamaModel policy = LlamaModel.fromGguf(shared.resolve("models/stories260K.gguf"));
        LlamaModel reference = LlamaModel.fromGguf(shared.resolve("models/stories260K.gguf"));
        int b = 16;
        int t = 128;
        Random rng = new Random(1);
        int[][] tokens = new int[b][t];
        for (int[] row : tokens) {
            row[0] = 1;
            for (int i = 1; i < t; i++) {
                row[i] = 3 + rng.nextInt(509);
            }
        }
        TokenBatch batch = TokenBatch.of(tokens);
        int[][] targets = batch.nextTokenTargets();
        INDArray seed = Nd4j.ones(policy.dataType(), b, t).muli(-1.0 / (b * t));
        GradientAccumulation optimizer = new GradientAccumulation(new AdamW(policy.parameters(),
                AdamW.Config.torchDefaults(), AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS), LearningRateSchedule.constant(1e-5), 1, 1.0);
        double[] train = new double[iterations];
        double[] infer = new double[iterations];
        double[] step = new double[iterations];
        for (int k = -20; k < iterations; k++) { // the Vector API kernels need C2 before they are fast
            long t0 = System.nanoTime();
            try (ForwardPass pass = ForwardPass.training(policy, batch)) {
                Tensor lp = pass.tokenLogProbs(targets);
                pass.backward(lp, seed);
            }
            long t1 = System.nanoTime();
            reference.logProbs(batch, targets);
            long t2 = System.nanoTime();
            optimizer.microBatchDone();
            long t3 = System.nanoTime();
            if (k >= 0) {
                train[k] = (t1 - t0) / 1e6;
                infer[k] = (t2 - t1) / 1e6;
                step[k] = (t3 - t0) / 1e6;
            }
        }
        report("policy forward+backward", train, b * t);
        report("reference forward     ", infer, b * t);
        report("DPO-shaped step       ", step, b * t);
    }

    private static void report(String what, double[] ms, int tokens) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        System.out.printf("PERF %s %d tokens: median %.1f ms (min %.1f) = %.0f policy tokens/s%n", what, tokens, median,
                sorted[0], tokens / median * 1000);
    }
}
