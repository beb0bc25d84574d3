package org.prefalign.algorithms.objective.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.TokenLogps;

/** Values worked out by hand: single-token clip regions, clip fractions, the KL term, the first step. */
class HandComputedTest {

    private static ObjectiveResult oneToken(String json, double logRatio, double advantage) {
        double logp = -1.0;
        TokenLogps in = new TokenLogps(Nd4j.createFromArray(new double[][] {{logp}}),
                Nd4j.createFromArray(new double[][] {{logp - logRatio}}), null,
                Nd4j.createFromArray(new double[] {advantage}), Nd4j.createFromArray(new double[][] {{1}}));
        return Objectives.policyGradient(json).compute(in);
    }

    private static double grad(ObjectiveResult r) {
        return r.grad("policy").getDouble(0, 0);
    }

    @Test
    void eachClipRegionOfOneToken() {
        double up = Math.log(1.5);
        double down = Math.log(0.5);
        // A > 0, ratio 1.5 > 1.2: clipped, loss −1.2·A, no gradient
        ObjectiveResult r = oneToken("{\"type\": \"ppo\"}", up, 1.0);
        assertEquals(-1.2, r.loss(), 1e-15);
        assertEquals(0.0, grad(r), 0.0);
        // A > 0, ratio 0.5: the unclipped term is smaller, loss −0.5, d/dlogπ = −A·ratio
        r = oneToken("{\"type\": \"ppo\"}", down, 1.0);
        assertEquals(-0.5, r.loss(), 1e-15);
        assertEquals(-0.5, grad(r), 1e-15);
        // A < 0, ratio 0.5 < 0.8: clipped, loss 0.8, no gradient
        r = oneToken("{\"type\": \"ppo\"}", down, -1.0);
        assertEquals(0.8, r.loss(), 1e-15);
        assertEquals(0.0, grad(r), 0.0);
        // A < 0, ratio 1.5: unclipped (pessimistic), loss 1.5, gradient −A·ratio = 1.5
        r = oneToken("{\"type\": \"ppo\"}", up, -1.0);
        assertEquals(1.5, r.loss(), 1e-15);
        assertEquals(1.5, grad(r), 1e-15);
        // DAPO's clip-higher: ratio 1.5 stays inside 1 + 0.6
        r = oneToken("{\"type\": \"dapo\", \"epsilon_high\": 0.6}", up, 1.0);
        assertEquals(-1.5, r.loss(), 1e-15);
        assertEquals(-1.5, grad(r), 1e-15);
    }

    @Test
    void dualClipAndDeltaCapNegativeAdvantagesAtTheBound() {
        double far = Math.log(4.0);
        for (String json : new String[] {"{\"type\": \"ppo\", \"dual_clip\": 3}", "{\"type\": \"grpo\", \"delta\": 3}"}) {
            ObjectiveResult r = oneToken(json, far, -1.0);
            assertEquals(3.0, r.loss(), 1e-15, json);
            assertEquals(0.0, grad(r), 0.0, json);
            assertEquals(1.0, r.metrics().get("clip_ratio/dual_mean"), 0.0, json);
            // below the bound the ordinary pessimistic term applies: ratio 2 → loss 2, gradient 2
            r = oneToken(json, Math.log(2.0), -1.0);
            assertEquals(2.0, r.loss(), 1e-15, json);
            assertEquals(2.0, grad(r), 1e-15, json);
        }
        // without a cap the runaway ratio's loss grows with it
        assertEquals(4.0, oneToken("{\"type\": \"ppo\"}", far, -1.0).loss(), 1e-15);
    }

    @Test
    void clipFractionsOfTheFixture() {
        // ratios (A): row 0 (+0.8): 1.65 high, 0.61, 1.05; row 1 (−1.3): 0.55 low, 1.49; row 2 (+0.5):
        // 1.11, 0.90, 1.35 high, 0.95 — 9 tokens, 1 clipped low, 2 clipped high
        Map<String, Double> m = Objectives.policyGradient("{\"type\": \"grpo\", \"dual_clip\": 1.4}")
                .compute(Fixture.logps(true, false, false)).metrics();
        assertEquals(1.0 / 9, m.get("clip_ratio/low_mean"), 1e-15);
        assertEquals(2.0 / 9, m.get("clip_ratio/high_mean"), 1e-15);
        assertEquals(3.0 / 9, m.get("clip_ratio/region_mean"), 1e-15);
        assertEquals(0.0, m.get("clip_ratio/low_min"), 0.0); // rows 0 and 2 have no low clip
        assertEquals(1.0 / 3, m.get("clip_ratio/high_max"), 1e-15); // row 0: 1 of 3
        assertEquals(1.0 / 9, m.get("clip_ratio/dual_mean"), 1e-15); // row 1's 1.49 > 1.4 with A < 0
        double[] lr = {0.5, -0.5, 0.05, -0.6, 0.4, 0.1, -0.1, 0.3, -0.05};
        double sumRatio = 0;
        double sumSq = 0;
        for (double x : lr) {
            sumRatio += Math.exp(x);
            sumSq += x * x;
        }
        assertEquals(sumRatio / 9, m.get("val/ratio"), 1e-15);
        assertEquals(Math.exp(-0.6), m.get("val/ratio_min"), 1e-15);
        assertEquals(Math.exp(0.5), m.get("val/ratio_max"), 1e-15);
        assertEquals(0.5 * sumSq / 9, m.get("policy/approxkl_avg"), 1e-15);
        assertFalse(m.containsKey("kl"), "no reference, no kl");

        // GSPO: sequence ratios e^{0.05/3} (A > 0), e^{−0.1} (A < 0), e^{0.0625} (A > 0) are all outside
        // [1 − 3e-4, 1 + 4e-4]; fractions count sequences, as TRL does for [B, 1] weights
        m = Objectives.policyGradient("{\"type\": \"gspo\"}").compute(Fixture.logps(true, false, false)).metrics();
        assertEquals(1.0 / 3, m.get("clip_ratio/low_mean"), 1e-15);
        assertEquals(2.0 / 3, m.get("clip_ratio/high_mean"), 1e-15);
        assertEquals(1.0, m.get("clip_ratio/region_mean"), 1e-15);
        assertEquals((Math.exp(0.05 / 3) + Math.exp(-0.1) + Math.exp(0.0625)) / 3, m.get("val/ratio"), 1e-15);

        // CISPO with ε_max 1.2: weights above it with A > 0 are row 0's 1.65 and row 2's 1.35
        m = Objectives.policyGradient("{\"type\": \"cispo\", \"epsilon_high\": 1.2}")
                .compute(Fixture.logps(true, false, false)).metrics();
        assertEquals(2.0 / 9, m.get("cispo_clip_ratio"), 1e-15);
    }

    @Test
    void klTermOfOneToken() {
        // log π_θ = −1, log π_ref = −1.5, A = 0: loss = β·(e^{−0.5} + 0.5 − 1), d/dlogπ = β·(1 − e^{−0.5})
        TokenLogps in = new TokenLogps(Nd4j.createFromArray(new double[][] {{-1.0}}), null,
                Nd4j.createFromArray(new double[][] {{-1.5}}), Nd4j.createFromArray(new double[] {0.0}),
                Nd4j.createFromArray(new double[][] {{1}}));
        ObjectiveResult r = Objectives.policyGradient("{\"type\": \"grpo\", \"beta\": 0.1}").compute(in);
        assertEquals(0.1 * (0.6065306597126334 - 0.5), r.loss(), 1e-15);
        assertEquals(0.1 * (1 - 0.6065306597126334), grad(r), 1e-15);
        assertEquals(0.6065306597126334 - 0.5, r.metrics().get("kl"), 1e-15);
    }

    @Test
    void firstStepRatioIsExactlyOneWithTheOnPolicyGradient() {
        double[][] policy = Fixture.POLICY;
        for (String json : new String[] {"{\"type\": \"grpo\"}", "{\"type\": \"gspo\"}", "{\"type\": \"dapo\"}",
            "{\"type\": \"cispo\"}"}) {
            ObjectiveResult same = Objectives.policyGradient(json).compute(
                    Fixture.logps(policy, policy, null, false, Fixture.MASK));
            ObjectiveResult onPolicy = Objectives.policyGradient(json).compute(
                    Fixture.logps(policy, null, null, false, Fixture.MASK));
            assertEquals(1.0, same.metrics().get("val/ratio"), 0.0, json);
            assertEquals(1.0, same.metrics().get("val/ratio_min"), 0.0, json);
            assertEquals(1.0, same.metrics().get("val/ratio_max"), 0.0, json);
            assertEquals(0.0, same.metrics().getOrDefault("clip_ratio/region_mean", 0.0), 0.0, json);
            assertArrayEquals(Fixture.values(onPolicy.grad("policy")), Fixture.values(same.grad("policy")), 0.0, json);
            assertEquals(onPolicy.loss(), same.loss(), 0.0, json);
        }
        // grpo (and gspo: d s_i / d logπ_t = 1/n_i) at ratio 1: d loss / d logπ_{i,t} = −A_i / (B · n_i)
        double[] n = {3, 2, 4};
        for (String json : new String[] {"{\"type\": \"grpo\"}", "{\"type\": \"gspo\"}"}) {
            double[] g = Fixture.values(Objectives.policyGradient(json)
                    .compute(Fixture.logps(policy, null, null, false, Fixture.MASK)).grad("policy"));
            for (int i = 0; i < 3; i++) {
                for (int t = 0; t < 4; t++) {
                    double expected = Fixture.MASK[i][t] * -Fixture.ADV_SEQ[i] / (3 * n[i]);
                    assertEquals(expected, g[i * 4 + t], 1e-16, json + " [" + i + "," + t + "]");
                }
            }
        }
        // dapo at ratio 1: −A_i / N with N = 9 tokens
        double[] g = Fixture.values(Objectives.policyGradient("{\"type\": \"dapo\"}")
                .compute(Fixture.logps(policy, null, null, false, Fixture.MASK)).grad("policy"));
        assertEquals(-0.8 / 9, g[0], 1e-16);
        assertEquals(1.3 / 9, g[5], 1e-16);
    }
}
