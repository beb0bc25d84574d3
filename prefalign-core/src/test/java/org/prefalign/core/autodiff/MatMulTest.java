package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class MatMulTest {

    /** C[i][j] = Σ_k op(A)[i][k] op(B)[k][j] by loops over a batch of matrices stored [batch, r, c]. */
    private static double naive(INDArray a, INDArray b, boolean ta, boolean tb, int batch, int i, int j) {
        INDArray am = a.rank() == 2 ? a : a.reshape(-1, a.size(-2), a.size(-1)).slice(batch);
        INDArray bm = b.rank() == 2 ? b : b.reshape(-1, b.size(-2), b.size(-1)).slice(batch);
        long inner = ta ? am.size(0) : am.size(1);
        double s = 0;
        for (int k = 0; k < inner; k++) {
            double x = ta ? am.getDouble(k, i) : am.getDouble(i, k);
            double y = tb ? bm.getDouble(j, k) : bm.getDouble(k, j);
            s += x * y;
        }
        return s;
    }

    @Test
    void rank2ForwardAndGradientsForEveryTransposeCombination() {
        Random rng = new Random(1);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = Tensor.parameter(GradCheck.random(rng, 1, ta ? 4 : 3, ta ? 3 : 4));
                Tensor b = Tensor.parameter(GradCheck.random(rng, 1, tb ? 5 : 4, tb ? 4 : 5));
                try (Tape tape = Tape.inference()) {
                    INDArray c = MatMul.apply(tape, a, b, ta, tb).value();
                    assertEquals(3, c.size(0));
                    assertEquals(5, c.size(1));
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 5; j++) {
                            assertEquals(naive(a.value(), b.value(), ta, tb, 0, i, j), c.getDouble(i, j), 1e-12);
                        }
                    }
                }
                GradCheck.check("matmul ta=" + ta + " tb=" + tb, List.of(a, b),
                        t -> MatMul.apply(t, a, b, ta, tb), 1e-7, 100);
            }
        }
    }

    @Test
    void batchedRank4ForwardAndGradients() {
        Random rng = new Random(2);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = Tensor.parameter(GradCheck.random(rng, 1, 2, 3, ta ? 4 : 2, ta ? 2 : 4));
                Tensor b = Tensor.parameter(GradCheck.random(rng, 1, 2, 3, tb ? 5 : 4, tb ? 4 : 5));
                try (Tape tape = Tape.inference()) {
                    INDArray c = MatMul.apply(tape, a, b, ta, tb).value();
                    INDArray c3 = c.reshape(6, 2, 5);
                    for (int batch = 0; batch < 6; batch++) {
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 5; j++) {
                                assertEquals(naive(a.value(), b.value(), ta, tb, batch, i, j), c3.getDouble(batch, i, j), 1e-12);
                            }
                        }
                    }
                }
                GradCheck.check("batched matmul ta=" + ta + " tb=" + tb, List.of(a, b),
                        t -> MatMul.apply(t, a, b, ta, tb), 1e-7, 120);
            }
        }
    }

    @Test
    void weightGradientsAccumulateAcrossTapes() {
        Random rng = new Random(3);
        Tensor x = Tensor.constant(GradCheck.random(rng, 1, 3, 4));
        Tensor w = Tensor.parameter(GradCheck.random(rng, 1, 2, 4));
        INDArray seed = GradCheck.random(rng, 1, 3, 2);
        INDArray once;
        try (Tape tape = Tape.recording()) {
            tape.backward(MatMul.apply(tape, x, w, false, true), seed);
        }
        once = w.grad().dup();
        try (Tape tape = Tape.recording()) {
            tape.backward(MatMul.apply(tape, x, w, false, true), seed);
        }
        assertEquals(0.0, w.grad().sub(once.mul(2)).amaxNumber().doubleValue(), 1e-12);
        w.zeroGrad();
        assertEquals(0.0, w.grad().amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void mismatchedShapesAreRejected() {
        Random rng = new Random(4);
        Tensor a = Tensor.constant(GradCheck.random(rng, 1, 3, 4));
        Tensor b = Tensor.constant(GradCheck.random(rng, 1, 3, 4));
        try (Tape tape = Tape.inference()) {
            assertThrows(IllegalArgumentException.class, () -> MatMul.apply(tape, a, b, false, false));
        }
    }
}
