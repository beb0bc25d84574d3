package org.prefalign.algorithms.objective.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PolicyGradientObjective;
import org.prefalign.algorithms.objective.TokenLogps;

/** Defaults as TRL sets them, and every bad config or input fails with a message naming it. */
class PolicyConfigTest {

    @Test
    void defaultsFollowTrl() {
        ClippedSurrogate grpo = (ClippedSurrogate) Objectives.fromJson("{\"loss_type\": \"grpo\"}");
        assertEquals(0.2, grpo.epsilonLow());
        assertEquals(0.2, grpo.epsilonHigh());
        assertEquals(0.0, grpo.beta());
        assertEquals(LossAggregation.Mode.SEQ_MEAN_TOKEN_MEAN, grpo.aggregation().mode());
        ClippedSurrogate dapo = (ClippedSurrogate) Objectives.fromJson("{\"type\": \"dapo\", \"epsilon\": 0.1}");
        assertEquals(0.1, dapo.epsilonHigh(), "epsilon_high defaults to epsilon");
        assertEquals(LossAggregation.Mode.TOKEN_MEAN, dapo.aggregation().mode());
        ClippedSurrogate dr = (ClippedSurrogate) Objectives.fromJson("{\"type\": \"dr_grpo\"}");
        assertEquals(new LossAggregation(LossAggregation.Mode.SEQ_MEAN_TOKEN_SUM_NORM, 512), dr.aggregation());
        ClippedSurrogate gspo = (ClippedSurrogate) Objectives.fromJson("{\"type\": \"gspo\"}");
        assertTrue(gspo.sequenceLevel());
        assertEquals(3e-4, gspo.epsilonLow());
        assertEquals(4e-4, gspo.epsilonHigh());
        assertEquals(0.25, ((ClippedSurrogate) Objectives.fromJson("{\"type\": \"ppo\", \"cliprange\": 0.25}")).epsilonLow());
        assertEquals(5.0, ((Cispo) Objectives.fromJson("{\"type\": \"cispo\"}")).epsilonMax());
    }

    @Test
    void badHyperParametersNameTheParameter() {
        String m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"epsilon\": -0.1}"));
        assertTrue(m.contains("'epsilon' must be in [0.0, 1.0)") && m.contains("-0.1"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"ppo\", \"cliprange\": 1.5}"));
        assertTrue(m.contains("'cliprange'"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"ppo\", \"cliprange\": 0.2, \"epsilon\": 0.2}"));
        assertTrue(m.contains("'cliprange'") && m.contains("epsilon"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"dapo\", \"epsilon_high\": -0.28}"));
        assertTrue(m.contains("'epsilon_high'"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"ppo\", \"dual_clip\": 0.9}"));
        assertTrue(m.contains("'dual_clip' must be > 1"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"delta\": 1.0}"));
        assertTrue(m.contains("'delta' must be > 1"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"delta\": 4, \"dual_clip\": 3}"));
        assertTrue(m.contains("'delta'") && m.contains("'dual_clip'"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"beta\": -0.01}"));
        assertTrue(m.contains("'beta' must be >= 0"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"importance_sampling_level\": \"seq\"}"));
        assertTrue(m.contains("'importance_sampling_level' must be one of token, sequence"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"aggregation\": \"mean\"}"));
        assertTrue(m.contains("'aggregation' must be one of token-mean"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"dr_grpo\", \"max_completion_length\": 0}"));
        assertTrue(m.contains("'max_completion_length' must be an integer >= 1"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"cispo\", \"epsilon_high\": 0}"));
        assertTrue(m.contains("'epsilon_high' must be > 0"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"cispo\", \"epsilon\": 0.2}"));
        assertTrue(m.contains("unknown parameter [epsilon]"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"gspo\", \"importance_sampling_level\": \"token\"}"));
        assertTrue(m.contains("unknown parameter [importance_sampling_level]"), m);
        m = message(() -> Objectives.fromJson("{\"type\": \"grpo\", \"max_completion_length\": 100}"));
        assertTrue(m.contains("unknown parameter [max_completion_length]"), m);
    }

    @Test
    void betaWithoutReferenceIsAnError() {
        PolicyGradientObjective loss = Objectives.policyGradient("{\"type\": \"grpo\", \"beta\": 0.04}");
        String m = message(() -> loss.compute(Fixture.logps(true, false, false)));
        assertTrue(m.contains("'beta' = 0.04") && m.contains("TokenLogps.ref"), m);
    }

    @Test
    void sequencesLongerThanTheDrGrpoConstantAreAnError() {
        PolicyGradientObjective loss = Objectives.policyGradient("{\"type\": \"dr_grpo\", \"max_completion_length\": 3}");
        String m = message(() -> loss.compute(Fixture.logps(true, false, false)));
        assertTrue(m.contains("sequence 2 has 4 completion tokens") && m.contains("'max_completion_length' = 3"), m);
    }

    @Test
    void badInputsAreNamed() {
        String m = message(() -> new TokenLogps(Fixture.m(Fixture.POLICY), null, null,
                Nd4j.createFromArray(Fixture.ADV_SEQ), Nd4j.zeros(3, 4)));
        assertTrue(m.contains("mask is all zero"), m);
        double[][] half = {{1, 0.5, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 1}};
        m = message(() -> new TokenLogps(Fixture.m(Fixture.POLICY), null, null, Nd4j.createFromArray(Fixture.ADV_SEQ),
                Fixture.m(half)));
        assertTrue(m.contains("mask must hold only 0 and 1"), m);
        m = message(() -> new TokenLogps(Fixture.m(Fixture.POLICY), null, null, Nd4j.createFromArray(1.0, 2.0),
                Fixture.m(Fixture.MASK)));
        assertTrue(m.contains("advantages has 2 values but the batch has 3"), m);
        m = message(() -> new TokenLogps(Fixture.m(Fixture.POLICY), Nd4j.zeros(3, 5), null,
                Nd4j.createFromArray(Fixture.ADV_SEQ), Fixture.m(Fixture.MASK)));
        assertTrue(m.contains("old has shape [3, 5]"), m);
        double[][] nan = {{Double.NaN, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        m = message(() -> new TokenLogps(Fixture.m(Fixture.POLICY), null, Fixture.m(nan),
                Nd4j.createFromArray(Fixture.ADV_SEQ), Fixture.m(Fixture.MASK)));
        assertTrue(m.contains("ref must be finite"), m);
    }

    @Test
    void aRunawayRatioWithANegativeAdvantageIsAnErrorNotNaN() {
        // log-ratio 800 overflows exp; with A < 0 and no cap the loss is +∞, which the result rejects
        double[][] policy = {{0.0}};
        double[][] old = {{-800.0}};
        TokenLogps in = new TokenLogps(Fixture.m(policy), Fixture.m(old), null, Nd4j.createFromArray(-1.0),
                Fixture.m(new double[][] {{1}}));
        assertThrows(ArithmeticException.class, () -> Objectives.policyGradient("{\"type\": \"ppo\"}").compute(in));
        // with A > 0 the clip bounds it: finite loss, zero gradient
        TokenLogps pos = new TokenLogps(Fixture.m(policy), Fixture.m(old), null, Nd4j.createFromArray(1.0),
                Fixture.m(new double[][] {{1}}));
        var r = Objectives.policyGradient("{\"type\": \"ppo\"}").compute(pos);
        assertEquals(-1.2, r.loss(), 1e-15);
        assertEquals(0.0, r.grad("policy").getDouble(0, 0), 0.0);
        // and the dual clip bounds the negative side
        r = Objectives.policyGradient("{\"type\": \"ppo\", \"dual_clip\": 3}").compute(in);
        assertEquals(3.0, r.loss(), 1e-15);
        assertEquals(0.0, r.grad("policy").getDouble(0, 0), 0.0);
    }
}
