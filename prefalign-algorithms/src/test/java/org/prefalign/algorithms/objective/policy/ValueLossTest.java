package org.prefalign.algorithms.objective.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.FiniteDifference;

/** PPO's clipped value loss: TRL's formula, hand values, finite differences, metrics. */
class ValueLossTest {

    // values − old: 0.5 and −0.4 lie beyond the ±0.2 clip, −0.05, 0.1, −0.15 inside; column 3 is padding
    static final double[][] V = {{1.0, 0.45, -0.2, 9.0}, {0.3, 0.75, 0.0, 0.0}};
    static final double[][] OLD = {{0.5, 0.5, 0.2, 0.0}, {0.2, 0.9, 0.0, 0.0}};
    static final double[][] RET = {{0.2, 1.0, -1.0, 0.0}, {1.5, 0.0, 0.0, 0.0}};
    static final double[][] MASK = {{1, 1, 1, 0}, {1, 1, 0, 0}};

    private static ValueTargets targets(double[][] v) {
        return new ValueTargets(Fixture.m(v), Fixture.m(OLD), Fixture.m(RET), Fixture.m(MASK));
    }

    private static ValueLoss loss(String json) {
        return (ValueLoss) Objectives.fromJson(json);
    }

    @Test
    void matchesTrlAndFiniteDifferences() {
        for (String json : new String[] {"{\"type\": \"value\"}", "{\"type\": \"value\", \"cliprange_value\": 0.05,"
                + " \"vf_coef\": 0.5}"}) {
            ValueLoss l = loss(json);
            double c = json.contains("0.05") ? 0.05 : 0.2;
            double coef = json.contains("0.5}") ? 0.5 : 0.1;
            ObjectiveResult r = l.compute(targets(V));
            assertEquals(TrlReference.valueLoss(V, OLD, RET, MASK, c, coef), r.loss(), 1e-15, json);
            StepNormalizer step = targets(V).normalizer();
            FiniteDifference.check(json, x -> l.compute(targets(Fixture.unflat(x, 4)), step).loss(), Fixture.flat(V),
                    Fixture.values(r.grad("values")), 1e-8);
        }
    }

    @Test
    void handComputedTokens() {
        // token (0,0): v 1.0, old 0.5, R 0.2: clipped v 0.7; (v−R)² = 0.64 > (0.7−0.2)² = 0.25: unclipped wins
        // token (0,2): v −0.2, old 0.2, R −1.0: clipped 0.0; (0.8)² = 0.64 < (1.0)² = 1.0: clipped wins, no gradient
        // token (1,0): v 0.3, old 0.2, R 1.5: inside the clip; (−1.2)² = 1.44
        // token (0,1): v 0.45, R 1.0: 0.3025;  token (1,1): v 0.75, old 0.9, R 0: inside, 0.5625
        double sum = 0.64 + 0.3025 + 1.0 + 1.44 + 0.5625;
        ObjectiveResult r = loss("{\"type\": \"value\"}").compute(targets(V));
        assertEquals(0.1 * 0.5 * sum / 5, r.loss(), 1e-15);
        assertEquals(0.5 * sum / 5, r.metrics().get("loss/value_avg"), 1e-15);
        assertEquals(1.0 / 5, r.metrics().get("val/clipfrac_avg"), 1e-15);
        double[] g = Fixture.values(r.grad("values"));
        assertEquals(0.1 * (1.0 - 0.2) / 5, g[0], 1e-16);
        assertEquals(0.0, g[2], 0.0);
        assertEquals(0.0, g[3], 0.0); // padding
        assertEquals(0.1 * (0.3 - 1.5) / 5, g[4], 1e-16);
    }

    @Test
    void withoutOldValuesItIsThePlainSquaredError() {
        ValueTargets t = new ValueTargets(Fixture.m(V), null, Fixture.m(RET), Fixture.m(MASK));
        ObjectiveResult r = loss("{\"type\": \"value\"}").compute(t);
        double sum = 0.64 + 0.3025 + 0.64 + 1.44 + 0.5625;
        assertEquals(0.1 * 0.5 * sum / 5, r.loss(), 1e-15);
        assertEquals(0.0, r.metrics().get("val/clipfrac_avg"), 0.0);
    }

    @Test
    void badInputIsNamed() {
        String m = message(() -> Objectives.fromJson("{\"type\": \"value\", \"cliprange_value\": -0.1}"));
        assertTrue(m.contains("'cliprange_value'") && m.contains("> 0"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"value\", \"vf_coeff\": 0.1}"));
        assertTrue(m.contains("vf_coeff"), m);
        m = message(() -> new ValueTargets(Fixture.m(V), null, Fixture.m(RET),
                Nd4j.zeros(2, 4)));
        assertTrue(m.contains("mask is all zero"), m);
        m = message(() -> new ValueTargets(Fixture.m(V), null,
                Nd4j.zeros(2, 3), Fixture.m(MASK)));
        assertTrue(m.contains("returns has shape"), m);
    }
}
