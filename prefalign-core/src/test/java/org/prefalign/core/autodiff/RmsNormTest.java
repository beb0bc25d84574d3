package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RmsNormTest {

    @Test
    void forwardMatchesTheFormula() {
        Random rng = new Random(21);
        Tensor x = Tensor.constant(GradCheck.random(rng, 2, 3, 5));
        Tensor w = Tensor.constant(GradCheck.random(rng, 1, 5));
        double eps = 1e-5;
        try (Tape tape = Tape.inference()) {
            INDArray y = RmsNorm.apply(tape, x, w, eps).value();
            for (int i = 0; i < 3; i++) {
                double ss = 0;
                for (int j = 0; j < 5; j++) {
                    ss += x.value().getDouble(i, j) * x.value().getDouble(i, j);
                }
                double scale = 1 / Math.sqrt(ss / 5 + eps);
                for (int j = 0; j < 5; j++) {
                    assertEquals(x.value().getDouble(i, j) * scale * w.value().getDouble(j), y.getDouble(i, j), 1e-13);
                }
            }
        }
    }

    @Test
    void gradientsOfInputAndWeight() {
        Random rng = new Random(22);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 2, 4, 6));
        Tensor w = Tensor.parameter(GradCheck.random(rng, 1, 6));
        GradCheck.check("rmsnorm", List.of(x, w), t -> RmsNorm.apply(t, x, w, 1e-5), 1e-7, 30);
        // a large eps makes the eps term matter in the derivative
        GradCheck.check("rmsnorm eps 0.5", List.of(x, w), t -> RmsNorm.apply(t, x, w, 0.5), 1e-7, 30);
    }

    @Test
    void badEpsIsRejected() {
        Tensor x = Tensor.constant(GradCheck.random(new Random(23), 1, 2, 3));
        Tensor w = Tensor.constant(GradCheck.random(new Random(24), 1, 3));
        try (Tape tape = Tape.inference()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RmsNorm.apply(tape, x, w, 0));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("eps"));
        }
    }
}
