package org.prefalign.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Mul;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;

class ScheduleAndClippingTest {

    @Test
    void warmupLinearByHand() {
        LearningRateSchedule s = LearningRateSchedule.warmupLinear(2.0, 4, 12);
        double[] want = {0, 0.5, 1.0, 1.5, 2.0, 1.75, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0};
        for (int step = 0; step < want.length; step++) {
            assertEquals(want[step], s.rate(step), 1e-15, "step " + step);
        }
    }

    @Test
    void warmupCosineByHand() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1.0, 2, 10);
        assertEquals(0.0, s.rate(0), 0);
        assertEquals(0.5, s.rate(1), 1e-15);
        assertEquals(1.0, s.rate(2), 1e-15);
        // progress 1/4: (1 + cos(π/4)) / 2
        assertEquals((1 + Math.sqrt(0.5)) / 2, s.rate(4), 1e-15);
        assertEquals(0.5, s.rate(6), 1e-15);
        assertEquals(0.0, s.rate(10), 1e-15);
        assertEquals(0.0, s.rate(11), 1e-15);
        assertEquals(1.0, LearningRateSchedule.warmupCosine(1.0, 0, 10).rate(0), 0, "no warmup starts at the peak");
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1.0, 11, 10));
    }

    private static Tensor withGrad(double... g) {
        Tensor p = Tensor.parameter(Nd4j.zeros(DataType.DOUBLE, g.length));
        try (Tape tape = Tape.recording()) {
            tape.backward(Mul.apply(tape, p, Tensor.constant(Nd4j.ones(DataType.DOUBLE, g.length))),
                    Nd4j.create(g, new long[] {g.length}, DataType.DOUBLE));
        }
        return p;
    }

    @Test
    void clippingScalesAllGradientsByOneFactor() {
        Tensor a = withGrad(3, 4);
        Tensor b = withGrad(12);
        Tensor none = Tensor.parameter(Nd4j.zeros(DataType.DOUBLE, 2));
        double norm = GlobalNormClipping.clip(List.of(a, b, none), 6.5);
        assertEquals(13.0, norm, 1e-12);
        double f = 6.5 / (13 + 1e-6);
        assertEquals(3 * f, a.grad().getDouble(0), 1e-12);
        assertEquals(4 * f, a.grad().getDouble(1), 1e-12);
        assertEquals(12 * f, b.grad().getDouble(0), 1e-12);
        Tensor c = withGrad(3, 4);
        assertEquals(5.0, GlobalNormClipping.clip(List.of(c), 20), 1e-12);
        assertEquals(3.0, c.grad().getDouble(0), 0, "below the threshold nothing changes");
    }

    @Test
    void nonFiniteGradientsFailLoudly() {
        Tensor a = withGrad(1, Double.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GlobalNormClipping.clip(List.of(a), 1.0));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not finite"));
        assertThrows(IllegalArgumentException.class, () -> GlobalNormClipping.clip(List.of(withGrad(1)), 0));
    }
}
