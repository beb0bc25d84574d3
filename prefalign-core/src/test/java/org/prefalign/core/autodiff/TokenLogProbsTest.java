package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
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

    /** Log-probs and the gradients of Σ c ⊙ logp w.r.t. hidden and head, as doubles. */
    private record Run(double[] logp, double[] dHidden, double[] dWeight) {
    }

    private static Run run(Implementation impl, DataType type, INDArray h, INDArray w, int[] targets, INDArray c,
                           double tau, int chunk) {
        Tensor hidden = Tensor.parameter(h.castTo(type));
        Tensor weight = Tensor.parameter(w.castTo(type));
        try (Tape tape = Tape.recording()) {
            Tensor out = TokenLogProbs.apply(tape, hidden, weight, targets, tau, chunk, impl);
            double[] logp = out.value().toDoubleVector();
            tape.backward(out, c.castTo(type));
            return new Run(logp, hidden.grad().dup('c').data().asDouble(), weight.grad().dup('c').data().asDouble());
        }
    }

    /**
     * The Vector API kernel (float32) and the ND4J-ops kernel give the same log-probs and gradients,
     * and both agree with the ND4J path in double, on a vocabulary wider than the kernel's 2,048-value
     * chunks (so a row spans several), with ignored rows, chunking and a temperature.
     */
    @Test
    void vectorKernelPathEqualsArrayOpsPath() {
        int n = 23;
        int d = 16;
        int v = 4500;
        Random rng = new Random(85);
        INDArray h = GradCheck.random(rng, 1.5, n, d);
        INDArray w = GradCheck.random(rng, 1.5, v, d);
        INDArray c = GradCheck.random(rng, 1.0, n);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = i % 5 == 2 ? -1 : rng.nextInt(v);
        }
        targets[0] = v - 1;
        double tau = 0.7;
        Run exact = run(Implementation.ARRAY_OPS, DataType.DOUBLE, h, w, targets, c, tau, 4);
        Run ops = run(Implementation.ARRAY_OPS, DataType.FLOAT, h, w, targets, c, tau, 4);
        Run vector = run(Implementation.VECTOR, DataType.FLOAT, h, w, targets, c, tau, 4);
        Run vectorOneChunk = run(Implementation.VECTOR, DataType.FLOAT, h, w, targets, c, tau, n);
        for (Run r : List.of(ops, vector, vectorOneChunk)) {
            close("logp", exact.logp(), r.logp(), 2e-5);
            close("d hidden", exact.dHidden(), r.dHidden(), 2e-5);
            close("d weight", exact.dWeight(), r.dWeight(), 2e-5);
        }
        close("vector vs ops logp", ops.logp(), vector.logp(), 2e-5);
        close("vector vs ops d hidden", ops.dHidden(), vector.dHidden(), 2e-5);
        close("vector vs ops d weight", ops.dWeight(), vector.dWeight(), 2e-5);
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0) {
                assertEquals(0.0, vector.logp()[i], 0.0, "ignored row " + i);
                for (int k = 0; k < d; k++) {
                    assertEquals(0.0, vector.dHidden()[i * d + k], 0.0, "ignored row " + i + " gets no gradient");
                }
            }
        }
    }

    @Test
    void vectorKernelIsFloat32OnlyAndRejectsNonFiniteLogits() {
        Random rng = new Random(86);
        Tensor h = Tensor.constant(GradCheck.random(rng, 1, N, DIM));
        Tensor w = Tensor.constant(GradCheck.random(rng, 1, V, DIM));
        try (Tape tape = Tape.inference()) {
            assertThrows(IllegalArgumentException.class,
                    () -> TokenLogProbs.apply(tape, h, w, TARGETS, 1.0, 4, Implementation.VECTOR));
            INDArray bad = h.value().castTo(DataType.FLOAT);
            bad.putScalar(2, 1, Float.NaN);
            Tensor hf = Tensor.constant(bad);
            Tensor wf = Tensor.constant(w.value().castTo(DataType.FLOAT));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TokenLogProbs.apply(tape, hf, wf, TARGETS, 1.0, 4, Implementation.VECTOR));
            assertTrue(e.getMessage().contains("log-sum-exp"), e.getMessage());
        }
    }

    /** |got − want| ≤ tol · max(1, max |want|) elementwise. */
    private static void close(String what, double[] want, double[] got, double tol) {
        assertEquals(want.length, got.length, what + " length");
        double scale = 1;
        for (double x : want) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + " [" + i + "]");
        }
    }
}
