package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class LinearTest {

    @Test
    void affineMapForwardAndGradientsWithAndWithoutBias() {
        Random rng = new Random(161);
        Tensor x = Tensor.parameter(GradCheck.random(rng, 1, 5, 3));
        Tensor w = Tensor.parameter(GradCheck.random(rng, 1, 4, 3));
        Tensor b = Tensor.parameter(GradCheck.random(rng, 1, 4));
        try (Tape tape = Tape.inference()) {
            INDArray y = Linear.apply(tape, x, w, b).value();
            for (int n = 0; n < 5; n++) {
                for (int o = 0; o < 4; o++) {
                    double want = b.value().getDouble(o);
                    for (int i = 0; i < 3; i++) {
                        want += w.value().getDouble(o, i) * x.value().getDouble(n, i);
                    }
                    assertEquals(want, y.getDouble(n, o), 1e-14);
                }
            }
        }
        GradCheck.check("linear with bias", List.of(x, w, b), t -> Linear.apply(t, x, w, b), 1e-8, 20);
        GradCheck.check("linear", List.of(x, w), t -> Linear.apply(t, x, w, null), 1e-8, 20);
    }
}
