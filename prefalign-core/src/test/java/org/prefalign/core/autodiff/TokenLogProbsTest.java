package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class TokenLogProbsTest {

    private static final int N = 7;
    private static final int DIM = 4;
    private static final int V = 11;

    /** log softmax(h Wᵀ / τ)[t] by explicit sums. */
    private static double naive(INDArray h, INDArray w, int row, int target, double tau) {
        double[] z = new double[V];
        for (int v = 0; v < V; v++) {
            for (int c = 0; c < DIM; c++) {
                z[v] += h.getDouble(row, c) * w.getDouble(v, c);
            }
            z[v] /= tau;
        }
        double m = Double.NEGATIVE_INFINITY;
        for (double x : z) {
            m = Math.max(m, x);
        }
        double s = 0;
        for (double x : z) {
            s += Math.exp(x - m);
        }
        return z[target] - m - Math.log(s);
    }

    private static final int[] TARGETS = {3, -1, 0, 10, 3, -100, 7};

    @Test
    void forwardMatchesLogSoftmaxForAnyChunkingAndIgnoresNegativeTargets() {
        Random rng = new Random(81);
        Tensor h = Tensor.constant(GradCheck.random(rng, 3, N, DIM));
        Tensor w = Tensor.constant(GradCheck.random(rng, 3, V, DIM));
        for (double tau : new double[] {1.0, 0.7}) {
            for (int chunk : new int[] {1, 3, N, 100}) {
                try (Tape tape = Tape.inference()) {
                    INDArray lp = TokenLogProbs.apply(tape, h, w, TARGETS, tau, chunk).value();
                    for (int i = 0; i < N; i++) {
                        double want = TARGETS[i] < 0 ? 0.0 : naive(h.value(), w.value(), i, TARGETS[i], tau);
                        assertEquals(want, lp.getDouble(i), 1e-12, "row " + i + " chunk " + chunk + " tau " + tau);
                    }
                }
            }
        }
    }

    @Test
    void stableForHugeLogits() {
        Random rng = new Random(82);
        Tensor h = Tensor.constant(GradCheck.random(rng, 300, N, DIM));
        Tensor w = Tensor.constant(GradCheck.random(rng, 300, V, DIM));
        try (Tape tape = Tape.inference()) {
            INDArray lp = TokenLogProbs.apply(tape, h, w, TARGETS, 1.0, 3).value();
            for (int i = 0; i < N; i++) {
                double want = TARGETS[i] < 0 ? 0.0 : naive(h.value(), w.value(), i, TARGETS[i], 1.0);
                assertEquals(want, lp.getDouble(i), 1e-9 * Math.max(1, Math.abs(want)));
            }
        }
    }

    @Test
    void gradientsOfHiddenAndHeadWithChunkingAndTemperature() {
        Random rng = new Random(83);
        Tensor h = Tensor.parameter(GradCheck.random(rng, 2, N, DIM));
        Tensor w = Tensor.parameter(GradCheck.random(rng, 2, V, DIM));
        GradCheck.check("token logprobs chunk 3", List.of(h, w),
                t -> TokenLogProbs.apply(t, h, w, TARGETS, 1.0, 3), 1e-7, 60);
        GradCheck.check("token logprobs tau 0.6", List.of(h, w),
                t -> TokenLogProbs.apply(t, h, w, TARGETS, 0.6, 100), 1e-7, 60);
    }

    @Test
    void badArgumentsAreRejected() {
        Random rng = new Random(84);
        Tensor h = Tensor.constant(GradCheck.random(rng, 1, N, DIM));
        Tensor w = Tensor.constant(GradCheck.random(rng, 1, V, DIM));
        try (Tape tape = Tape.inference()) {
            int[] tooBig = TARGETS.clone();
            tooBig[2] = V;
            assertThrows(IllegalArgumentException.class, () -> TokenLogProbs.apply(tape, h, w, tooBig, 1.0, 4));
            assertThrows(IllegalArgumentException.class, () -> TokenLogProbs.apply(tape, h, w, TARGETS, 0.0, 4));
            assertThrows(IllegalArgumentException.class, () -> TokenLogProbs.apply(tape, h, w, new int[3], 1.0, 4));
        }
    }
}
