package org.prefalign.algorithms.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.AdvantageEstimators;
import org.prefalign.algorithms.testing.Golden;

/**
 * Advantage estimators against the golden file (TRL's GRPO / RLOO formulas in float64 PyTorch) and
 * against values worked out by hand (decimals in the comments; whitened values by a calculator).
 */
class AdvantageEstimatorsTest {

    static double[] vec(INDArray a) {
        return a.dup().reshape(a.length()).toDoubleVector();
    }

    static INDArray m(double[][] x) {
        return Nd4j.createFromArray(x);
    }

    private static double[] estimate(String json, AdvantageInput in) {
        return vec(AdvantageEstimators.fromJson(json).estimate(in).advantages());
    }

    @Test
    void goldenGroupAdvantages() {
        JsonNode g = Golden.objectives().get("advantages");
        int groupSize = g.get("group_size").asInt();
        AdvantageInput in = AdvantageInput.grouped(Golden.doubles(g.get("rewards")), groupSize);
        for (String type : new String[] {"grpo", "dr_grpo", "rloo"}) {
            double[] expected = Golden.doubles(g.get(type));
            assertArrayEquals(expected, estimate("{\"type\": \"" + type + "\"}", in), 1e-12, type);
        }
    }

    @Test
    void grpoScalesByGroupBatchOrNothing() {
        // rewards 1, 2 | 3, 6: group means 1.5, 4.5; group stds √0.5, √4.5; batch std √(14/3)
        AdvantageInput in = AdvantageInput.grouped(new double[] {1, 2, 3, 6}, 2);
        double g1 = Math.sqrt(0.5) + 1e-4;
        double g2 = Math.sqrt(4.5) + 1e-4;
        assertArrayEquals(new double[] {-0.5 / g1, 0.5 / g1, -1.5 / g2, 1.5 / g2}, estimate("{\"type\": \"grpo\"}", in), 1e-15);
        double b = Math.sqrt(14.0 / 3) + 1e-4;
        assertArrayEquals(new double[] {-0.5 / b, 0.5 / b, -1.5 / b, 1.5 / b},
                estimate("{\"type\": \"grpo\", \"scale_rewards\": \"batch\"}", in), 1e-15);
        assertArrayEquals(new double[] {-0.5, 0.5, -1.5, 1.5}, estimate("{\"type\": \"grpo\", \"scale_rewards\": \"none\"}", in),
                1e-15);
        assertArrayEquals(new double[] {-0.5, 0.5, -1.5, 1.5}, estimate("{\"type\": \"dr_grpo\"}", in), 1e-15);
    }

    @Test
    void groupsNeedNotBeContiguous() {
        AdvantageInput in = AdvantageInput.of(Nd4j.createFromArray(1.0, 3.0, 2.0, 6.0)).withGroups(new int[] {7, 3, 7, 3});
        // group 7: 1, 2 (mean 1.5); group 3: 3, 6 (mean 4.5)
        assertArrayEquals(new double[] {-0.5, -1.5, 0.5, 1.5}, estimate("{\"type\": \"dr_grpo\"}", in), 1e-15);
        // rloo: r − mean of the others
        assertArrayEquals(new double[] {-1, -3, 1, 3}, estimate("{\"type\": \"rloo\"}", in), 1e-15);
    }

    @Test
    void rlooNormalizedOverTheBatch() {
        // rloo advantages −1, 1, −3, 3: mean 0, unbiased std √(20/3)
        double s = Math.sqrt(20.0 / 3) + 1e-4;
        assertArrayEquals(new double[] {-1 / s, 1 / s, -3 / s, 3 / s}, estimate(
                "{\"type\": \"rloo\", \"normalize_advantages\": true}", AdvantageInput.grouped(new double[] {1, 2, 3, 6}, 2)),
                1e-15);
    }

    @Test
    void gaeOnAThreeTokenExample() {
        // row 0: V = 0.5, 0.6, 0.7, reward 1 at the last token, γ 0.9, λ 0.8:
        //   δ2 = 1 − 0.7 = 0.3            Â2 = 0.3
        //   δ1 = 0.9·0.7 − 0.6 = 0.03     Â1 = 0.03 + 0.72·0.3 = 0.246
        //   δ0 = 0.9·0.6 − 0.5 = 0.04     Â0 = 0.04 + 0.72·0.246 = 0.21712
        //   returns Â + V = 0.71712, 0.846, 1.0
        // row 1: tokens 0 and 2 (position 1 masked out, skipped), V = 0.2, 0.4, reward −1:
        //   Â2 = −1 − 0.4 = −1.4;  Â0 = 0.9·0.4 − 0.2 + 0.72·(−1.4) = −0.848; returns −0.648, −1.0
        double[][] mask = {{1, 1, 1, 0}, {1, 0, 1, 0}};
        double[][] values = {{0.5, 0.6, 0.7, 5.0}, {0.2, 9.0, 0.4, 9.0}};
        AdvantageInput in = AdvantageInput.of(Nd4j.createFromArray(1.0, -1.0)).withMask(m(mask)).withValues(m(values));
        Advantages raw = AdvantageEstimators.fromJson(
                "{\"type\": \"gae\", \"gamma\": 0.9, \"lam\": 0.8, \"whiten_advantages\": false}").estimate(in);
        assertArrayEquals(new double[] {0.21712, 0.246, 0.3, 0, -0.848, 0, -1.4, 0}, vec(raw.advantages()), 1e-15);
        assertArrayEquals(new double[] {0.71712, 0.846, 1.0, 0, -0.648, 0, -1.0, 0}, vec(raw.returns()), 1e-15);
        Advantages white = AdvantageEstimators.fromJson("{\"type\": \"gae\", \"gamma\": 0.9, \"lam\": 0.8}").estimate(in);
        assertArrayEquals(new double[] {0.6588014246077737, 0.6958104368208088, 0.7650101133964284, 0,
            -0.7061237515815604, 0, -1.4134982232434505, 0}, vec(white.advantages()), 1e-12);
        assertArrayEquals(vec(raw.returns()), vec(white.returns()), 0.0, "returns are not whitened");
    }

    @Test
    void gaeWithTrlDefaultsAndTokenRewardsAndKlShaping() {
        // γ = 1, λ = 0.95; one token: reward 2 + process reward 0.5 − 0.1·k1(logp −1, ref −1.5 → 0.5) = 2.45
        AdvantageInput in = AdvantageInput.of(Nd4j.createFromArray(2.0)).withMask(m(new double[][] {{1, 1}}))
                .withValues(m(new double[][] {{0.3, 0.1}})).withTokenRewards(m(new double[][] {{0, 0.5}}))
                .withLogps(m(new double[][] {{-2.0, -1.0}}), m(new double[][] {{-2.0, -1.5}}));
        Advantages a = AdvantageEstimators.fromJson("{\"type\": \"gae\", \"whiten_advantages\": false, \"kl_coef\": 0.1}")
                .estimate(in);
        // t1: δ = 2.45 − 0.1 = 2.35; t0: δ = 0 + 0.1 − 0.3 = −0.2, Â0 = −0.2 + 0.95·2.35 = 2.0325
        assertArrayEquals(new double[] {2.0325, 2.35}, vec(a.advantages()), 1e-14);
        assertArrayEquals(new double[] {2.3325, 2.45}, vec(a.returns()), 1e-14);
    }

    @Test
    void reinforcePlusPlusWhitensDiscountedReturnsOverTheBatch() {
        double[][] mask = {{1, 1, 0}, {1, 1, 1}};
        AdvantageInput in = AdvantageInput.of(Nd4j.createFromArray(1.0, -1.0)).withMask(m(mask));
        // returns 1, 1 | −1, −1, −1: mean −0.2, unbiased var 4.8/4 = 1.2
        double s = Math.sqrt(1.2 + 1e-8);
        Advantages a = AdvantageEstimators.fromJson("{\"type\": \"reinforce_plus_plus\"}").estimate(in);
        assertArrayEquals(new double[] {1.2 / s, 1.2 / s, 0, -0.8 / s, -0.8 / s, -0.8 / s}, vec(a.advantages()), 1e-15);
        assertArrayEquals(new double[] {1, 1, 0, -1, -1, -1}, vec(a.returns()), 0.0);
        // γ = 0.5: returns 0.5, 1 | −0.25, −0.5, −1
        a = AdvantageEstimators.fromJson("{\"type\": \"reinforce_plus_plus\", \"gamma\": 0.5}").estimate(in);
        assertArrayEquals(new double[] {0.5, 1, 0, -0.25, -0.5, -1}, vec(a.returns()), 1e-15);
        // k1 penalty 0.1·(logp − ref) per token: log-ratios 0.2, −0.1 | 0.3, 0, 0.1
        //   rewards −0.02, 1.01 | −0.03, 0, −1.01 → returns 0.99, 1.01 | −1.04, −1.01, −1.01
        double[][] logp = {{-1.0, -2.0, 0}, {-1.0, -1.0, -1.0}};
        double[][] ref = {{-1.2, -1.9, 0}, {-1.3, -1.0, -1.1}};
        a = AdvantageEstimators.fromJson("{\"type\": \"reinforce_plus_plus\", \"kl_coef\": 0.1}")
                .estimate(in.withLogps(m(logp), m(ref)));
        assertArrayEquals(new double[] {0.99, 1.01, 0, -1.04, -1.01, -1.01}, vec(a.returns()), 1e-15);
        assertArrayEquals(new double[] {1.0863180453925547, 1.1043932208566571, 0, -0.7483122642138398,
            -0.7211995010176862, -0.7211995010176862}, vec(a.advantages()), 1e-12);
    }

    @Test
    void reinforceBaselineSubtractsTheGroupMeanThenWhitens() {
        // groups (1, 3), (2, 2) → centred −1, 1, 0, 0; lengths 2, 1, 3, 2 → token returns
        // −1, −1 | 1 | 0, 0, 0 | 0, 0 : mean −1/8, whitened by a calculator
        double[][] mask = {{1, 1, 0}, {1, 0, 0}, {1, 1, 1}, {1, 1, 0}};
        AdvantageInput in = AdvantageInput.grouped(new double[] {1, 3, 2, 2}, 2).withMask(m(mask));
        double[] a = estimate("{\"type\": \"reinforce_baseline\"}", in);
        double n = -1.3653316041881862;
        double p = 1.7554263482419536;
        double z = 0.19504737202688374;
        assertArrayEquals(new double[] {n, n, 0, p, 0, 0, z, z, z, z, z, 0}, a, 1e-12);
    }

    @Test
    void remaxSubtractsTheGreedyReward() {
        AdvantageInput in = AdvantageInput.of(Nd4j.createFromArray(1.0, 0.2))
                .withBaselineRewards(Nd4j.createFromArray(0.5, 0.7));
        Advantages a = AdvantageEstimators.fromJson("{\"type\": \"remax\"}").estimate(in);
        assertArrayEquals(new double[] {0.5, -0.5}, vec(a.advantages()), 1e-15);
        assertNull(a.returns());
    }

    @Test
    void opoUsesTheLengthWeightedBaseline() {
        // group (r 1, length 1), (r 0, length 3): b = (1·1 + 3·0)/4 = 0.25 → 0.75, −0.25
        // group (r 2, length 2), (r 4, length 2): b = 3 → −1, 1
        double[][] mask = {{1, 0, 0}, {1, 1, 1}, {1, 1, 0}, {0, 1, 1}};
        AdvantageInput in = AdvantageInput.grouped(new double[] {1, 0, 2, 4}, 2).withMask(m(mask));
        assertArrayEquals(new double[] {0.75, -0.25, -1, 1}, estimate("{\"type\": \"opo\"}", in), 1e-15);
    }
}
