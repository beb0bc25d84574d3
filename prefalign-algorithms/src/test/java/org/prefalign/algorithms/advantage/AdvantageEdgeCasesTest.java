package org.prefalign.algorithms.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.AdvantageEstimators;

/** Groups of one, equal rewards, single tokens, empty and missing inputs, bad configs. */
class AdvantageEdgeCasesTest {

    private static final String[] GROUPED = {"grpo", "dr_grpo", "rloo", "opo", "reinforce_baseline"};

    private static AdvantageInput full(double[] rewards, int groupSize) {
        double[][] mask = new double[rewards.length][];
        double[][] values = new double[rewards.length][];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = new double[] {1, 1, i % 2};
            values[i] = new double[] {0.1 * i, 0.2, 0.3};
        }
        return AdvantageInput.grouped(rewards, groupSize).withMask(Nd4j.createFromArray(mask))
                .withValues(Nd4j.createFromArray(values)).withBaselineRewards(Nd4j.createFromArray(rewards));
    }

    private static double[] advantages(String type, AdvantageInput in) {
        return AdvantageEstimatorsTest.vec(AdvantageEstimators.fromJson("{\"type\": \"" + type + "\"}").estimate(in).advantages());
    }

    @Test
    void groupsOfOneAndEqualRewardsCarryNoSignal() {
        for (String type : GROUPED) {
            for (double[] r : new double[][] {{0.3, -2.0, 5.0}, {1.5, 1.5, 1.5, 1.5}}) {
                int groupSize = r.length == 3 ? 1 : 2; // groups of one; groups of equal rewards
                for (double a : advantages(type, full(r, groupSize))) {
                    assertEquals(0.0, a, 0.0, type);
                }
            }
        }
        // all-equal rewards: batch scaling, normalisation, and every token-level estimator stay at 0
        AdvantageInput equal = full(new double[] {2, 2, 2, 2}, 4);
        for (String json : new String[] {"{\"type\": \"grpo\", \"scale_rewards\": \"batch\"}",
            "{\"type\": \"rloo\", \"normalize_advantages\": true}", "{\"type\": \"remax\"}"}) {
            for (double a : AdvantageEstimatorsTest.vec(AdvantageEstimators.fromJson(json).estimate(equal).advantages())) {
                assertEquals(0.0, a, 0.0, json);
            }
        }
        for (double a : advantages("reinforce_plus_plus", full(new double[] {2, 2}, 1))) {
            assertEquals(0.0, a, 0.0);
        }
    }

    @Test
    void aSingleCompletionOrTokenIsFinite() {
        AdvantageInput one = AdvantageInput.grouped(new double[] {3.0}, 1).withMask(Nd4j.createFromArray(new double[][] {{1}}))
                .withValues(Nd4j.createFromArray(new double[][] {{0.5}}));
        for (String type : AdvantageEstimators.types()) {
            if (type.equals("remax")) {
                continue;
            }
            double[] a = advantages(type, one);
            assertTrue(Double.isFinite(a[0]), type);
        }
        // the variance of one token is undefined: whitening gives 0 rather than TRL's division by zero
        assertArrayEquals(new double[] {0.0}, advantages("reinforce_plus_plus", one), 0.0);
        assertArrayEquals(new double[] {0.0}, advantages("gae", one), 0.0);
        // unwhitened GAE of one token: r − V
        assertArrayEquals(new double[] {2.5}, AdvantageEstimatorsTest.vec(AdvantageEstimators
                .fromJson("{\"type\": \"gae\", \"whiten_advantages\": false}").estimate(one).advantages()), 0.0);
    }

    @Test
    void badInputsAreNamed() {
        String m = message(() -> AdvantageInput.grouped(new double[0], 4));
        assertTrue(m.contains("rewards is empty"), m);
        m = message(() -> AdvantageInput.grouped(new double[] {1, 2, 3, 4, 5, 6}, 4));
        assertTrue(m.contains("groupSize") && m.contains("divide the batch size 6") && m.contains("got 4"), m);
        m = message(() -> AdvantageInput.grouped(new double[] {1, 2}, 0));
        assertTrue(m.contains("groupSize"), m);
        m = message(() -> AdvantageInput.grouped(new double[] {1, Double.NaN}, 2));
        assertTrue(m.contains("rewards must be finite"), m);
        m = message(() -> advantages("grpo", AdvantageInput.of(Nd4j.createFromArray(1.0, 2.0))));
        assertTrue(m.contains("grpo needs groups"), m);
        m = message(() -> advantages("gae", AdvantageInput.of(Nd4j.createFromArray(1.0))));
        assertTrue(m.contains("gae works per token and needs the completion mask"), m);
        m = message(() -> advantages("gae", AdvantageInput.of(Nd4j.createFromArray(1.0))
                .withMask(Nd4j.createFromArray(new double[][] {{1}}))));
        assertTrue(m.contains("gae needs the value head's values"), m);
        m = message(() -> advantages("remax", AdvantageInput.of(Nd4j.createFromArray(1.0))));
        assertTrue(m.contains("remax needs baselineRewards"), m);
        m = message(() -> AdvantageInput.of(Nd4j.createFromArray(1.0, 2.0)).withMask(Nd4j.zeros(2, 3)));
        assertTrue(m.contains("mask is all zero"), m);
        m = message(() -> AdvantageInput.of(Nd4j.createFromArray(1.0, 2.0)).withValues(Nd4j.zeros(2, 3)));
        assertTrue(m.contains("values is per token, so the mask [B, T] is required"), m);
        m = message(() -> AdvantageInput.of(Nd4j.createFromArray(1.0, 2.0)).withMask(Nd4j.ones(2, 3))
                .withValues(Nd4j.zeros(2, 4)));
        assertTrue(m.contains("values has shape [2, 4] but mask has [2, 3]"), m);
        m = message(() -> AdvantageInput.of(Nd4j.createFromArray(1.0, 2.0)).withGroups(new int[] {0, 0, 1}));
        assertTrue(m.contains("groups must hold one prompt id per completion (2), got 3"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"reinforce_plus_plus\", \"kl_coef\": 0.01}")
                .estimate(AdvantageInput.of(Nd4j.createFromArray(1.0)).withMask(Nd4j.ones(1, 2))));
        assertTrue(m.contains("'kl_coef' = 0.01 > 0") && m.contains("logps and refLogps"), m);
        m = message(() -> advantages("opo", AdvantageInput.grouped(new double[] {1, 2, 3, 4}, 2)
                .withMask(Nd4j.createFromArray(new double[][] {{0, 0}, {0, 0}, {1, 1}, {1, 0}}))));
        assertTrue(m.contains("opo: the group of completion 0 has no completion tokens"), m);
    }

    @Test
    void badConfigsAreNamed() {
        String m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"ppo\"}"));
        assertTrue(m.contains("advantage estimator: unknown type 'ppo'") && m.contains("grpo"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"grpo\", \"scale_rewards\": \"prompt\"}"));
        assertTrue(m.contains("advantage estimator 'grpo': 'scale_rewards' must be one of group, batch, none"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"grpo\", \"num_generations\": 8}"));
        assertTrue(m.contains("unknown parameter [num_generations]"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"gae\", \"gamma\": 1.5}"));
        assertTrue(m.contains("'gamma' must be in [0.0, 1.0], got 1.5"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"gae\", \"lam\": -0.1}"));
        assertTrue(m.contains("'lam' must be in [0.0, 1.0]"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"reinforce_plus_plus\", \"kl_coef\": -1}"));
        assertTrue(m.contains("'kl_coef' must be >= 0"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"reinforce_baseline\", \"kl_estimator\": \"k4\"}"));
        assertTrue(m.contains("'kl_estimator' must be one of k1, k2, k3"), m);
        m = message(() -> AdvantageEstimators.fromJson("{\"type\": \"rloo\", \"normalize_advantages\": 1}"));
        assertTrue(m.contains("'normalize_advantages' must be true or false"), m);
        m = message(() -> AdvantageEstimators.fromJson("[1, 2]"));
        assertTrue(m.contains("advantage estimator config must be a JSON object"), m);
    }
}
