package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.testing.Pairs;

/** float32 inputs give float32 gradients that agree with the double computation. */
class PairwisePrecisionTest {

    static java.util.List<String> configs() {
        return PairwiseGradientTest.configs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void float32InputsGiveFloat32GradientsCloseToDouble(String config) {
        PairwiseLogps dbl = Pairs.random(31, 8, 1.5).logps();
        PairwiseLogps flt = new PairwiseLogps(f32(dbl.policyChosen()), f32(dbl.policyRejected()), f32(dbl.refChosen()),
                f32(dbl.refRejected()), f32(dbl.chosenTokens()), f32(dbl.rejectedTokens()));
        ObjectiveResult d = Objectives.pairwise(config).compute(dbl);
        ObjectiveResult f = Objectives.pairwise(config).compute(flt);
        for (String name : new String[] {"policyChosen", "policyRejected"}) {
            INDArray g = f.grad(name);
            assertEquals(DataType.FLOAT, g.dataType(), config + " " + name);
            double[] gd = Inputs.values(d.grad(name));
            double[] gf = Inputs.values(g);
            double scale = 0;
            for (double x : gd) {
                scale = Math.max(scale, Math.abs(x));
            }
            // float32 rounding of log-probs of ~40 nats moves log-ratios by ~1e-6
            for (int i = 0; i < gd.length; i++) {
                assertEquals(gd[i], gf[i], 1e-4 * scale, config + " " + name + "[" + i + "]");
            }
        }
        assertEquals(d.loss(), f.loss(), 1e-4 * Math.max(1, Math.abs(d.loss())), config + " loss");
    }

    private static INDArray f32(INDArray a) {
        return a.castTo(DataType.FLOAT);
    }
}
