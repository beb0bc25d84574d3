package org.prefalign.core.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Tensor;

/**
 * Prints the time of a policy forward + backward over 16 sequences × 128 tokens of stories260K
 * (the shape of a DPO step with 8 pairs), and of a forward without gradients. A measurement for
 * humans, not a test: {@code java -cp ... org.prefalign.core.model.TrainingStepTiming [shared dir]}.
 */
public final class TrainingStepTiming {

    private TrainingStepTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("prefalign.shared", "../shared"));
        LlamaModel model = LlamaModel.fromGguf(shared.resolve("models/stories260K.gguf"));
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
        INDArray seed = Nd4j.ones(model.dataType(), b, t).muli(-1.0 / (b * t));
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        double[] train = new double[iterations];
        double[] infer = new double[iterations];
        for (int k = -20; k < iterations; k++) { // the Vector API kernels need C2 before they are fast
            long t0 = System.nanoTime();
            try (ForwardPass pass = ForwardPass.training(model, batch)) {
                Tensor lp = pass.tokenLogProbs(targets);
                pass.backward(lp, seed);
            }
            long t1 = System.nanoTime();
            try (ForwardPass pass = ForwardPass.inference(model, batch)) {
                pass.tokenLogProbs(targets);
            }
            long t2 = System.nanoTime();
            model.zeroGrad();
            if (k >= 0) {
                train[k] = (t1 - t0) / 1e6;
                infer[k] = (t2 - t1) / 1e6;
            }
        }
        Arrays.sort(train);
        Arrays.sort(infer);
        double tm = train[iterations / 2];
        double im = infer[iterations / 2];
        System.out.printf("PERF forward+backward %d tokens: median %.1f ms (min %.1f) = %.0f tokens/s%n", b * t, tm, train[0],
                b * t / tm * 1000);
        System.out.printf("PERF forward only     %d tokens: median %.1f ms (min %.1f) = %.0f tokens/s%n", b * t, im, infer[0],
                b * t / im * 1000);
    }
}
