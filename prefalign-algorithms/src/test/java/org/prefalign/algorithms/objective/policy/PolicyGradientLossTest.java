package org.prefalign.algorithms.objective.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PolicyGradientObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.TokenLogps;
import org.prefalign.algorithms.testing.FiniteDifference;

/**
 * Every policy loss, every aggregation and clip variant, with per-sequence and per-token
 * advantages: the loss against TRL's whole-tensor formulas ({@link TrlReference}) and the gradient
 * against central finite differences in double.
 */
class PolicyGradientLossTest {

    /** Configs and the TRL options that describe the same loss. */
    static Stream<Arguments> configs() {
        String[] jsons = {
            "{\"type\": \"ppo\"}",
            "{\"type\": \"ppo\", \"cliprange\": 0.25}",
            "{\"type\": \"grpo\"}",
            "{\"type\": \"bnpo\"}",
            "{\"type\": \"dapo\", \"epsilon_high\": 0.28}",
            "{\"type\": \"dr_grpo\", \"max_completion_length\": 6}",
            "{\"type\": \"grpo\", \"aggregation\": \"seq-mean-token-sum\"}",
            "{\"type\": \"ppo\", \"dual_clip\": 1.4}",
            "{\"type\": \"grpo\", \"delta\": 1.4}",
            "{\"type\": \"gspo\"}",
            "{\"type\": \"gspo\", \"epsilon\": 0.01, \"epsilon_high\": 0.05}",
            "{\"type\": \"dapo\", \"importance_sampling_level\": \"sequence\"}",
            "{\"type\": \"cispo\"}",
            "{\"type\": \"cispo\", \"epsilon_high\": 1.2}",
            "{\"type\": \"grpo\", \"beta\": 0.04}",
            "{\"type\": \"dapo\", \"beta\": 0.3, \"dual_clip\": 1.4}",
            "{\"type\": \"cispo\", \"beta\": 0.1, \"importance_sampling_level\": \"sequence\"}",
        };
        List<Arguments> out = new ArrayList<>();
        for (String json : jsons) {
            for (boolean perToken : new boolean[] {false, true}) {
                out.add(Arguments.of(json, perToken));
            }
        }
        return out.stream();
    }

    private static TrlReference.Options options(String json) throws Exception {
        JsonNode n = new ObjectMapper().readTree(json);
        TrlReference.Options o = new TrlReference.Options();
        String type = n.get("type").asText();
        o.lossType = n.has("aggregation") ? n.get("aggregation").asText() : type;
        boolean gspo = type.equals("gspo");
        o.epsilon = n.has("epsilon") ? n.get("epsilon").asDouble() : n.has("cliprange") ? n.get("cliprange").asDouble()
                : gspo ? 3e-4 : 0.2;
        o.epsilonHigh = n.has("epsilon_high") ? n.get("epsilon_high").asDouble()
                : type.equals("cispo") ? 5.0 : gspo ? 4e-4 : o.epsilon;
        o.delta = n.has("delta") ? n.get("delta").asDouble() : null;
        o.dualClip = n.has("dual_clip") ? n.get("dual_clip").asDouble() : null;
        o.beta = n.has("beta") ? n.get("beta").asDouble() : 0;
        o.sequence = gspo || (n.has("importance_sampling_level") && n.get("importance_sampling_level").asText().equals("sequence"));
        o.maxCompletionLength = n.has("max_completion_length") ? n.get("max_completion_length").asInt() : 512;
        return o;
    }

    @ParameterizedTest(name = "{0} per-token advantages {1}")
    @MethodSource("configs")
    void lossMatchesTrlAndGradientMatchesFiniteDifferences(String json, boolean perToken) throws Exception {
        PolicyGradientObjective loss = Objectives.policyGradient(json);
        TrlReference.Options o = options(json);
        double[][] old = Fixture.old();
        double[][] ref = Fixture.REF;
        TokenLogps in = Fixture.logps(true, true, perToken);
        ObjectiveResult r = loss.compute(in);

        double expected = TrlReference.loss(o, Fixture.POLICY, old, ref, Fixture.adv(perToken), Fixture.MASK);
        assertEquals(expected, r.loss(), 1e-12, json);
        assertEquals(r.loss(), r.perExample().sumNumber().doubleValue() / in.batchSize(), 1e-12, "loss = Σ perExample / B");

        StepNormalizer step = in.normalizer();
        double[] x = Fixture.flat(Fixture.POLICY);
        // CISPO's weight is detached: its gradient is the derivative at a fixed weight, so old moves with policy
        boolean detachedWeight = loss instanceof Cispo;
        FiniteDifference.check(json, p -> {
            double[][] policy = Fixture.unflat(p, 4);
            double[][] o2 = detachedWeight ? Fixture.shift(policy, Fixture.LOG_RATIO, -1) : old;
            return loss.compute(Fixture.logps(policy, o2, ref, perToken, Fixture.MASK), step).loss();
        }, x, Fixture.values(r.grad("policy")), 1e-7);
        // the loss must also equal the reference off the fixture point, where TRL's formula is evaluated anew
        double[][] moved = Fixture.unflat(x, 4);
        moved[2][1] += 0.05;
        assertEquals(TrlReference.loss(o, moved, old, ref, Fixture.adv(perToken), Fixture.MASK),
                loss.compute(Fixture.logps(moved, old, ref, perToken, Fixture.MASK)).loss(), 1e-12);
    }

    @ParameterizedTest(name = "{0} per-token advantages {1}")
    @MethodSource("configs")
    void paddingNeitherMattersNorGetsGradient(String json, boolean perToken) {
        PolicyGradientObjective loss = Objectives.policyGradient(json);
        ObjectiveResult a = loss.compute(Fixture.logps(true, true, perToken));
        double[][] policy = Fixture.POLICY.clone();
        double[][] old = Fixture.old();
        double[][] ref = Fixture.REF.clone();
        policy[1] = new double[] {-0.9, -1.6, 900, -900}; // absurd padding: exp of it would overflow
        old[1] = new double[] {old[1][0], old[1][1], -900, 900};
        ref[1] = new double[] {-1.1, -1.4, -900, 900};
        ObjectiveResult b = loss.compute(Fixture.logps(policy, old, ref, perToken, Fixture.MASK));
        assertEquals(a.loss(), b.loss(), 0.0);
        double[] g = Fixture.values(b.grad("policy"));
        assertEquals(0.0, g[6], 0.0);
        assertEquals(0.0, g[7], 0.0);
        assertEquals(0.0, g[3], 0.0);
    }

    @ParameterizedTest(name = "{0} per-token advantages {1}")
    @MethodSource("configs")
    void gradientsComeInTheInputsTypeAndShape(String json, boolean perToken) {
        TokenLogps in = Fixture.logps(true, true, perToken);
        TokenLogps f32 = new TokenLogps(in.policy().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), in.old(), in.ref(),
                in.advantages(), in.mask());
        ObjectiveResult r = Objectives.policyGradient(json).compute(f32);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, r.grad("policy").dataType());
        assertTrue(java.util.Arrays.equals(new long[] {3, 4}, r.grad("policy").shape()));
        assertInstanceOf(PolicyGradientLoss.class, Objectives.fromJson(json));
    }
}
