package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertClose;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.UnpairedObjective;

class ApoZeroUnpairedTest {

    private static final UnpairedObjective APO = Objectives.unpaired(
            "{\"loss_type\": \"apo_zero_unpaired\", \"beta\": 0.3, \"desirable_weight\": 0.8, \"undesirable_weight\": 1.5}");

    @Test
    void matchesANaiveFormula() {
        double beta = 0.3;
        Completions c = Completions.random(11, 12).withoutKl();
        ObjectiveResult r = APO.compute(c.logps());
        double loss = 0;
        for (int i = 0; i < c.size(); i++) {
            double e = Math.exp(-beta * (c.policy()[i] - c.ref()[i]));
            double sigma = 1 / (1 + e);
            double expected = c.desirable()[i] ? 0.8 * (1 - sigma) : 1.5 * sigma;
            // σ'(t) = e^{−t} / (1 + e^{−t})²
            double grad = (c.desirable()[i] ? -0.8 : 1.5) * beta * e / ((1 + e) * (1 + e)) / c.size();
            assertEquals(expected, r.perExample().getDouble(i), 1e-14);
            assertEquals(grad, r.grad("policy").getDouble(i), 1e-14);
            loss += expected / c.size();
        }
        assertEquals(loss, r.loss(), 1e-14);
        assertEquals(0.0, r.metrics().get("kl"));
    }

    @Test
    void isKtoAtReferencePointZeroAndIgnoresKlPairs() {
        Completions c = Completions.random(12, 9);
        Kto kto = (Kto) Objectives.unpaired(
                "{\"type\": \"kto\", \"beta\": 0.3, \"desirable_weight\": 0.8, \"undesirable_weight\": 1.5}");
        ObjectiveResult apo = APO.compute(c.logps());
        ObjectiveResult k = kto.compute(c.logps(), c.logps().normalizer(), 0.0);
        assertClose("per example", k.perExample().toDoubleVector(), apo.perExample().toDoubleVector(), 0);
        assertEquals(apo.loss(), APO.compute(c.withoutKl().logps()).loss(), 0.0);
    }

    @Test
    void gradientsAccumulationAndFloat32() {
        for (long seed = 13; seed <= 15; seed++) {
            Completions.random(seed, 10).checkGradient("apo_zero_unpaired seed " + seed, APO::compute, 1e-9);
        }
        Completions.random(16, 12).checkAccumulation("apo_zero_unpaired", APO::compute, APO::compute, 7, 1e-13);
        Completions.random(17, 10).checkFloat32("apo_zero_unpaired", APO::compute);
    }
}
