package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;

class BcoTest {

    private static final double BETA = 0.4;

    private static Bco bco() {
        return (Bco) Objectives.unpaired("{\"type\": \"bco\", \"beta\": 0.4}");
    }

    @Test
    void firstStepMatchesANaiveFormulaWithDeltaTheBatchMeanReward() {
        Completions c = Completions.random(21, 12).withoutKl();
        ObjectiveResult r = bco().compute(c.logps());
        double delta = 0;
        for (int i = 0; i < c.size(); i++) {
            delta += BETA * (c.policy()[i] - c.ref()[i]) / c.size();
        }
        assertEquals(delta, r.metrics().get("delta"), 1e-14);
        double loss = 0;
        for (int i = 0; i < c.size(); i++) {
            double margin = BETA * (c.policy()[i] - c.ref()[i]) - delta;
            double sign = c.desirable()[i] ? 1 : -1;
            double expected = Math.log(1 + Math.exp(-sign * margin));
            assertEquals(expected, r.perExample().getDouble(i), 1e-13);
            // δ is a constant: d/dp log(1 + e^{−s·(β·r − δ)}) = −s·β / (1 + e^{s·(β·r − δ)})
            assertEquals(-sign * BETA / (1 + Math.exp(sign * margin)) / c.size(), r.grad("policy").getDouble(i), 1e-14);
            loss += expected / c.size();
        }
        assertEquals(loss, r.loss(), 1e-13);
    }

    @Test
    void deltaIsTheRunningMeanOfEveryRewardSeen() {
        Bco bco = bco();
        Completions a = Completions.random(22, 6).withoutKl();
        Completions b = Completions.random(23, 9).withoutKl();
        bco.compute(a.logps());
        ObjectiveResult second = bco.compute(b.logps());
        double sum = 0;
        for (Completions c : new Completions[] {a, b}) {
            for (int i = 0; i < c.size(); i++) {
                sum += BETA * (c.policy()[i] - c.ref()[i]);
            }
        }
        assertEquals(sum / 15, second.metrics().get("delta"), 1e-13);
        assertEquals(bco.running().mean(), second.metrics().get("delta"), 0.0);
    }

    @Test
    void gradientsMatchFiniteDifferencesAtAFixedDelta() {
        for (long seed = 24; seed <= 26; seed++) {
            Bco bco = bco();
            Completions c = Completions.random(seed, 10).withoutKl();
            bco.observe(c.logps());
            double delta = bco.running().mean();
            c.checkGradient("bco seed " + seed, (in, step) -> bco.compute(in, step, delta), 1e-9);
        }
    }

    @Test
    void observingEveryMicroBatchFirstMakesAccumulationExact() {
        Completions c = Completions.random(27, 12).withoutKl();
        Bco whole = bco();
        Bco split = bco();
        split.observe(c.slice(0, 5).logps());
        split.observe(c.slice(5, 12).logps());
        c.checkAccumulation("bco", whole::compute, (in, step) -> split.compute(in, step, split.running().mean()), 5, 1e-12);
        assertArrayEquals(whole.running().state(), split.running().state(), 1e-12);
    }

    @Test
    void evaluationLeavesDeltaAloneAndCheckpointsRestoreIt() {
        Bco bco = bco();
        Completions a = Completions.random(28, 8).withoutKl();
        Completions b = Completions.random(29, 8).withoutKl();
        bco.compute(a.logps());
        double[] saved = bco.running().state();
        UnpairedLogps in = b.logps();
        bco.compute(in, in.normalizer(), 0.3);
        assertArrayEquals(saved, bco.running().state(), 0.0);
        Bco resumed = bco();
        resumed.running().restore(saved);
        assertEquals(bco.compute(in).loss(), resumed.compute(in).loss(), 0.0);
    }

    @Test
    void float32() {
        Bco bco = bco();
        Completions c = Completions.random(30, 10).withoutKl();
        bco.observe(c.logps());
        double delta = bco.running().mean();
        c.checkFloat32("bco", (in, step) -> bco.compute(in, step, delta));
    }

    @Test
    void extremeMarginsStayFinite() {
        Bco bco = bco();
        boolean[] labels = {true, false};
        UnpairedLogps in = UnpairedLogps.withoutKl(org.nd4j.linalg.factory.Nd4j.createFromArray(-5000.0, -1.0),
                org.nd4j.linalg.factory.Nd4j.createFromArray(-1.0, -5000.0), labels);
        ObjectiveResult r = bco.compute(in, new StepNormalizer(2, 2), 0.0);
        assertEquals(BETA * 4999, r.perExample().getDouble(0), 1e-9);
        assertEquals(BETA * 4999, r.perExample().getDouble(1), 1e-9);
        assertEquals(-BETA / 2, r.grad("policy").getDouble(0), 1e-15);
        assertEquals(BETA / 2, r.grad("policy").getDouble(1), 1e-15);
        String m = message(() -> bco.compute(in, new StepNormalizer(2, 2), Double.POSITIVE_INFINITY));
        assertTrue(m.contains("delta"), m);
    }
}
