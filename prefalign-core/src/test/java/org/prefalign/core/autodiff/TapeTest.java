package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class TapeTest {

    @Test
    void backwardRunsOnceAndOnlyOnARecordingTape() {
        Random rng = new Random(51);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 2, 2));
        INDArray seed = GradCheck.random(rng, 1, 2, 2);
        try (Tape tape = Tape.recording()) {
            Tensor y = Mul.apply(tape, x, x);
            tape.backward(y, seed);
            assertThrows(IllegalStateException.class, () -> tape.backward(y, seed));
        }
        try (Tape tape = Tape.inference()) {
            Tensor y = Mul.apply(tape, x, x);
            assertFalse(y.requiresGrad());
            assertThrows(IllegalStateException.class, () -> tape.backward(y, seed));
        }
    }

    @Test
    void constantsGetNoGradientAndCannotBeSeeded() {
        Random rng = new Random(52);
        Tensor c = Tensor.constant(GradCheck.random(rng, 1, 2, 2));
        try (Tape tape = Tape.recording()) {
            Tensor y = Mul.apply(tape, c, c);
            assertFalse(y.requiresGrad());
            assertThrows(IllegalArgumentException.class, () -> tape.backward(y, GradCheck.random(rng, 1, 2, 2)));
        }
    }

    @Test
    void severalSeededOutputsAddTheirGradients() {
        Random rng = new Random(53);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 3));
        INDArray s1 = GradCheck.random(rng, 1, 3);
        INDArray s2 = GradCheck.random(rng, 1, 3);
        try (Tape tape = Tape.recording()) {
            Tensor a = Mul.apply(tape, x, x);      // da/dx = 2x
            Tensor b = Add.apply(tape, x, x);      // db/dx = 2
            java.util.Map<Tensor, INDArray> seeds = new java.util.LinkedHashMap<>();
            seeds.put(a, s1);
            seeds.put(b, s2);
            tape.backward(seeds);
        }
        for (int i = 0; i < 3; i++) {
            double want = s1.getDouble(i) * 2 * x.value().getDouble(i) + 2 * s2.getDouble(i);
            assertEquals(want, x.grad().getDouble(i), 1e-14);
        }
    }

    @Test
    void aClosedTapeRefusesNewOps() {
        Tensor x = Tensor.parameter(GradCheck.random(new Random(54), 1, 3));
        Tape tape = Tape.recording();
        tape.close();
        assertThrows(IllegalStateException.class, () -> Mul.apply(tape, x, x));
    }
}
