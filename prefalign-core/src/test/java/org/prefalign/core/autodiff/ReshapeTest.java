package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReshapeTest {

    @Test
    void gradientFlowsBackThroughTheOriginalShape() {
        Random rng = new Random(41);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 6, 1));
        Tensor w = Tensor.parameter(GradCheck.random(rng, 1, 2, 3));
        // reshape [6,1] -> [2,3], then a product so the gradient is not a pure copy
        GradCheck.check("reshape", List.of(x, w), t -> Mul.apply(t, Reshape.apply(t, x, 2, 3), w), 1e-8, 6);
    }

    @Test
    void wrongElementCountIsRejected() {
        Tensor x = Tensor.constant(GradCheck.random(new Random(42), 1, 6));
        try (Tape tape = Tape.inference()) {
            assertThrows(IllegalArgumentException.class, () -> Reshape.apply(tape, x, 4, 2));
        }
    }
}
