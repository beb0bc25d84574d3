package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class SwiGluTest {

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    @Test
    void siluForwardAndGradient() {
        Random rng = new Random(31);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 6, 3, 7));
        try (Tape tape = Tape.inference()) {
            INDArray y = Silu.apply(tape, x).value();
            assertEquals(silu(x.value().getDouble(2, 5)), y.getDouble(2, 5), 1e-14);
        }
        GradCheck.check("silu", List.of(x), t -> Silu.apply(t, x), 1e-7, 21);
    }

    @Test
    void swiGluForwardAndGradients() {
        Random rng = new Random(32);
        Tensor gate = Tensor.parameter(GradCheck.random(rng, 5, 4, 6));
        Tensor up = Tensor.parameter(GradCheck.random(rng, 2, 4, 6));
        try (Tape tape = Tape.inference()) {
            INDArray h = SwiGlu.apply(tape, gate, up).value();
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(silu(gate.value().getDouble(i, j)) * up.value().getDouble(i, j), h.getDouble(i, j), 1e-14);
                }
            }
        }
        GradCheck.check("swiglu", List.of(gate, up), t -> SwiGlu.apply(t, gate, up), 1e-7, 24);
    }
}
