package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class AddMulTest {

    @Test
    void addBroadcastsABiasAndSumsItsGradientOverRows() {
        Random rng = new Random(5);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 4, 3));
        Tensor bias = Tensor.parameter(GradCheck.random(rng, 1, 3));
        try (Tape tape = Tape.inference()) {
            INDArray y = Add.apply(tape, x, bias).value();
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(x.value().getDouble(i, j) + bias.value().getDouble(j), y.getDouble(i, j), 1e-15);
                }
            }
        }
        GradCheck.check("add bias", List.of(x, bias), t -> Add.apply(t, x, bias), 1e-8, 50);
        Tensor column = Tensor.parameter(GradCheck.random(rng, 1, 4, 1));
        GradCheck.check("add column", List.of(x, column), t -> Add.apply(t, x, column), 1e-8, 50);
        Tensor same = Tensor.parameter(GradCheck.random(rng, 1, 4, 3));
        GradCheck.check("add same", List.of(x, same), t -> Add.apply(t, x, same), 1e-8, 50);
    }

    @Test
    void mulForwardAndGradientsWithBroadcasting() {
        Random rng = new Random(6);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 2, 3, 4));
        Tensor y = Tensor.parameter(GradCheck.random(rng, 1, 2, 1, 4));
        try (Tape tape = Tape.inference()) {
            INDArray z = Mul.apply(tape, x, y).value();
            assertEquals(x.value().getDouble(1, 2, 3) * y.value().getDouble(1, 0, 3), z.getDouble(1, 2, 3), 1e-15);
        }
        GradCheck.check("mul broadcast", List.of(x, y), t -> Mul.apply(t, x, y), 1e-8, 60);
        Tensor same = Tensor.parameter(GradCheck.random(rng, 1, 2, 3, 4));
        GradCheck.check("mul same", List.of(x, same), t -> Mul.apply(t, x, same), 1e-8, 60);
    }

    @Test
    void aTensorUsedTwiceGetsTheSumOfBothGradients() {
        Random rng = new Random(7);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 3, 3));
        // y = x ⊙ x + x: dy/dx = 2x + 1
        GradCheck.check("x*x + x", List.of(x), t -> Add.apply(t, Mul.apply(t, x, x), x), 1e-8, 9);
    }

    @Test
    void incompatibleShapesAreRejected() {
        Random rng = new Random(8);
        Tensor x = Tensor.constant(GradCheck.random(rng, 1, 4, 3));
        Tensor bad = Tensor.constant(GradCheck.random(rng, 1, 4));
        try (Tape tape = Tape.inference()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Add.apply(tape, x, bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("broadcast"));
        }
    }
}
