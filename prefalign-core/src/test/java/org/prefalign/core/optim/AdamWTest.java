package org.prefalign.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Tensor;

class AdamWTest {

    private static final AdamW.Config CONFIG = new AdamW.Config(0.9, 0.999, 1e-8, 0.1);

    private static Tensor scalarParameter(double v) {
        return Tensor.parameter(Nd4j.create(new double[] {v}, new long[] {1}, DataType.DOUBLE));
    }

    /** Sets a parameter's gradient to g by accumulating into a zeroed buffer. */
    private static void setGrad(Tensor p, double... g) {
        p.zeroGrad();
        INDArray want = Nd4j.create(g, p.shape(), DataType.DOUBLE);
        try (org.prefalign.core.autodiff.Tape tape = org.prefalign.core.autodiff.Tape.recording()) {
            // d(p ⊙ g)/dp = g
            tape.backward(org.prefalign.core.autodiff.Mul.apply(tape, p, Tensor.constant(Nd4j.ones(DataType.DOUBLE, p.shape()))), want);
        }
    }

    @Test
    void threeStepsMatchHandComputedValues() {
        // θ ← θ(1 − ηλ); m, v; θ ← θ − η/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε), worked out in double by hand:
        double[] want = {0.890000002, 0.8619501989217752, 0.8185879287816642};
        double[] grads = {0.5, -0.3, 0.2};
        Tensor theta = scalarParameter(1.0);
        AdamW adam = new AdamW(Map.of("w", theta), CONFIG, name -> true);
        for (int t = 0; t < 3; t++) {
            setGrad(theta, grads[t]);
            adam.step(0.1);
            assertEquals(want[t], theta.value().getDouble(0), 1e-15, "step " + (t + 1));
        }
        assertEquals(3, adam.steps());
    }

    @Test
    void theFirstStepMovesByTheLearningRateWhateverTheGradientScale() {
        for (double g : new double[] {1e-6, 3.0, -250.0}) {
            Tensor theta = scalarParameter(0.0);
            AdamW adam = new AdamW(Map.of("w", theta), new AdamW.Config(0.9, 0.999, 0, 0), name -> true);
            setGrad(theta, g);
            adam.step(0.01);
            assertEquals(-0.01 * Math.signum(g), theta.value().getDouble(0), 1e-15);
        }
    }

    @Test
    void weightDecaySkipsBiasesAndNormsAndParametersWithoutGradientsStayPut() {
        Tensor weight = scalarParameter(2.0);
        Tensor bias = scalarParameter(2.0);
        Tensor norm = scalarParameter(2.0);
        Tensor untouched = scalarParameter(2.0);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("blk.0.attn_q.weight", weight);
        params.put("blk.0.attn_q.bias", bias);
        params.put("blk.0.attn_norm.weight", norm);
        params.put("output.weight", untouched);
        AdamW adam = new AdamW(params, new AdamW.Config(0.9, 0.999, 1e-8, 0.5), AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS);
        for (Tensor p : new Tensor[] {weight, bias, norm}) {
            setGrad(p, 1.0);
        }
        adam.step(0.1);
        double adamMove = 0.1 * 1.0 / (1.0 + 1e-8);
        assertEquals(2.0 * (1 - 0.1 * 0.5) - adamMove, weight.value().getDouble(0), 1e-15);
        assertEquals(2.0 - adamMove, bias.value().getDouble(0), 1e-15);
        assertEquals(2.0 - adamMove, norm.value().getDouble(0), 1e-15);
        assertEquals(2.0, untouched.value().getDouble(0), 0.0);
    }

    @Test
    void stateDictRoundTripResumesExactly() {
        Tensor a = Tensor.parameter(Nd4j.create(new double[] {1, 2, 3}, new long[] {3}, DataType.DOUBLE));
        AdamW first = new AdamW(Map.of("a", a), CONFIG, name -> true);
        setGrad(a, 0.1, -0.2, 0.3);
        first.step(0.05);
        setGrad(a, 0.4, 0.1, -0.3);
        first.step(0.05);
        Map<String, INDArray> state = first.stateDict();
        Tensor b = Tensor.parameter(a.value().dup());
        AdamW second = new AdamW(Map.of("a", b), CONFIG, name -> true);
        second.loadStateDict(state);
        assertEquals(2, second.steps());
        setGrad(a, -0.5, 0.2, 0.1);
        setGrad(b, -0.5, 0.2, 0.1);
        first.step(0.05);
        second.step(0.05);
        assertEquals(0.0, a.value().sub(b.value()).amaxNumber().doubleValue(), 0.0);
        Map<String, INDArray> broken = new LinkedHashMap<>(state);
        broken.remove("a.exp_avg_sq");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> second.loadStateDict(broken));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("a.exp_avg_sq"));
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(0.9, 0.999, -1, 0));
        Tensor theta = scalarParameter(0);
        AdamW adam = new AdamW(Map.of("w", theta), CONFIG, name -> true);
        assertThrows(IllegalArgumentException.class, () -> adam.step(Double.NaN));
    }
}
