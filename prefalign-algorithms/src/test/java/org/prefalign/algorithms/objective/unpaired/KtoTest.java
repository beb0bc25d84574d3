package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.UnpairedLogps;

class KtoTest {

    private static final Kto KTO = (Kto) Objectives.unpaired(
            "{\"type\": \"kto\", \"beta\": 0.2, \"desirable_weight\": 1.0, \"undesirable_weight\": 1.33}");

    @Test
    void gradientsMatchFiniteDifferencesWithTheKlTermDetached() {
        for (long seed = 1; seed <= 4; seed++) {
            Completions c = Completions.random(seed, 11);
            c.checkGradient("kto seed " + seed, KTO::compute, 1e-9);
            // the KL pairs are inputs too, but z0 is detached: only the policy has a gradient
            assertEquals(Set.of("policy"), KTO.compute(c.logps()).gradNames());
        }
    }

    @Test
    void theKlEstimateIsTheClampedMeanOfTheMismatchedPairs() {
        assertEquals(0.25, Kto.klEstimate(Nd4j.createFromArray(-10.0, -20.0), Nd4j.createFromArray(-10.5, -20.0)), 1e-15);
        assertEquals(0.0, Kto.klEstimate(Nd4j.createFromArray(-10.0, -20.0), Nd4j.createFromArray(-9.0, -20.0)), 0.0);
        Completions c = Completions.random(5, 8);
        ObjectiveResult r = KTO.compute(c.logps());
        double expected = 0;
        for (int i = 0; i < c.size(); i++) {
            expected += (c.policyKl()[i] - c.refKl()[i]) / c.size();
        }
        assertEquals(Math.max(0, expected), r.metrics().get("kl"), 1e-14);
    }

    @Test
    void microBatchesWithTheStepsKlEstimateEqualOneBatch() {
        Completions c = Completions.random(6, 12);
        double z0 = Kto.klEstimate(c.logps().policyKl(), c.logps().refKl());
        c.checkAccumulation("kto", KTO::compute, (in, step) -> KTO.compute(in, step, z0), 5, 1e-13);
    }

    @Test
    void float32() {
        Completions.random(7, 10).checkFloat32("kto", KTO::compute);
    }

    @Test
    void theReferencePointMustBeGivenOneWayOrAnother() {
        Completions c = Completions.random(8, 6).withoutKl();
        String m = message(() -> KTO.compute(c.logps()));
        assertTrue(m.contains("policyKl") && m.contains("refKl") && m.contains("apo_zero_unpaired"), m);
        // an explicit z0 is the deliberate way to run without mismatched pairs
        assertTrue(Double.isFinite(KTO.compute(c.logps(), c.logps().normalizer(), 0.0).loss()));
        m = message(() -> KTO.compute(c.logps(), c.logps().normalizer(), -0.1));
        assertTrue(m.contains("kl") && m.contains(">= 0"), m);
        m = message(() -> KTO.compute(c.logps(), c.logps().normalizer(), Double.NaN));
        assertTrue(m.contains("kl") && m.contains("NaN"), m);
    }

    @Test
    void metricsAreClassMeansAndOnlyForClassesPresent() {
        Completions c = Completions.random(9, 10);
        ObjectiveResult r = KTO.compute(c.logps());
        double reward = 0;
        double logp = 0;
        int n = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.desirable()[i]) {
                reward += 0.2 * (c.policy()[i] - c.ref()[i]);
                logp += c.policy()[i];
                n++;
            }
        }
        assertEquals(reward / n, r.metrics().get("rewards/chosen"), 1e-13);
        assertEquals(logp / n, r.metrics().get("logps/chosen"), 1e-12);
        assertEquals(r.metrics().get("rewards/chosen") - r.metrics().get("rewards/rejected"),
                r.metrics().get("rewards/margins"), 1e-13);
        boolean[] allDesirable = new boolean[3];
        java.util.Arrays.fill(allDesirable, true);
        ObjectiveResult onlyChosen = KTO.compute(new UnpairedLogps(Nd4j.createFromArray(-1.0, -2.0, -3.0),
                Nd4j.createFromArray(-1.5, -2.0, -2.0), allDesirable, Nd4j.createFromArray(-4.0), Nd4j.createFromArray(-4.0)));
        assertTrue(onlyChosen.metrics().containsKey("rewards/chosen"));
        assertFalse(onlyChosen.metrics().containsKey("rewards/rejected"));
        assertFalse(onlyChosen.metrics().containsKey("rewards/margins"));
    }

    @Test
    void extremeLogRatiosStayFinite() {
        boolean[] labels = {true, false, true, false};
        UnpairedLogps in = new UnpairedLogps(Nd4j.createFromArray(-1.0, -1.0, -3000.0, -3000.0),
                Nd4j.createFromArray(-3000.0, -3000.0, -1.0, -1.0), labels, Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-1.0));
        ObjectiveResult r = KTO.compute(in);
        assertEquals(0.0, r.perExample().getDouble(0), 1e-200); // desirable, far above the reference point
        assertEquals(1.33, r.perExample().getDouble(1), 1e-15); // undesirable, far above it
        assertEquals(1.0, r.perExample().getDouble(2), 1e-15);
        assertEquals(0.0, r.perExample().getDouble(3), 1e-200);
        for (double g : r.grad("policy").toDoubleVector()) {
            assertEquals(0.0, g, 1e-200);
        }
    }
}
