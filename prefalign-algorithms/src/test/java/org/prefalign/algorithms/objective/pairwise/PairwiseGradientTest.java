package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.testing.FiniteDifference;
import org.prefalign.algorithms.testing.Pairs;

/**
 * Central finite differences of {@code loss()} against the analytic gradients, in double, for every
 * type, every f-divergence and combined losses. Each evaluation builds a fresh objective, so
 * bco_pair's running mean is the same (fresh) state at every perturbed point.
 */
class PairwiseGradientTest {

    static List<String> configs() {
        return List.of(
                "{\"type\": \"sigmoid\", \"beta\": 0.7}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"label_smoothing\": 0.2}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"f_divergence_type\": \"forward_kl\"}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"f_divergence_type\": \"alpha_divergence\"}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"f_divergence_type\": \"alpha_divergence\", \"f_alpha_divergence_coef\": 2.0}",
                "{\"type\": \"sigmoid\", \"beta\": 0.7, \"f_divergence_type\": \"reverse_kl\", \"label_smoothing\": 0.4}",
                "{\"type\": \"hinge\", \"beta\": 0.3}",
                "{\"type\": \"hinge\", \"beta\": 0.3, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"ipo\", \"beta\": 0.5}",
                "{\"type\": \"ipo\", \"beta\": 0.5, \"f_divergence_type\": \"forward_kl\"}",
                "{\"type\": \"exo_pair\", \"beta\": 0.8, \"label_smoothing\": 0.1}",
                "{\"type\": \"exo_pair\", \"beta\": 0.8, \"label_smoothing\": 0.001, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"nca_pair\", \"beta\": 0.8}",
                "{\"type\": \"nca_pair\", \"beta\": 0.8, \"f_divergence_type\": \"alpha_divergence\", \"f_alpha_divergence_coef\": 0.3}",
                "{\"type\": \"robust\", \"beta\": 0.8, \"label_smoothing\": 0.3}",
                "{\"type\": \"robust\", \"beta\": 0.8, \"label_smoothing\": 0.1, \"f_divergence_type\": \"forward_kl\"}",
                "{\"type\": \"bco_pair\", \"beta\": 0.8}",
                "{\"type\": \"bco_pair\", \"beta\": 0.8, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"sppo_hard\", \"beta\": 0.5}",
                "{\"type\": \"sppo_hard\", \"beta\": 0.5, \"f_divergence_type\": \"alpha_divergence\"}",
                "{\"type\": \"aot\", \"beta\": 0.8, \"label_smoothing\": 0.1}",
                "{\"type\": \"aot_unpaired\", \"beta\": 0.8, \"label_smoothing\": 0.2}",
                "{\"type\": \"apo_zero\", \"beta\": 0.8}",
                "{\"type\": \"apo_down\", \"beta\": 0.8}",
                "{\"type\": \"apo_down\", \"beta\": 0.8, \"f_divergence_type\": \"forward_kl\"}",
                "{\"type\": \"discopop\", \"beta\": 0.8}",
                "{\"type\": \"discopop\", \"beta\": 0.8, \"discopop_tau\": 0.5, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"sigmoid_norm\", \"beta\": 2.0}",
                "{\"type\": \"sigmoid_norm\", \"beta\": 2.0, \"f_divergence_type\": \"alpha_divergence\"}",
                "{\"type\": \"sft\"}",
                "{\"loss_type\": [\"sigmoid\", \"bco_pair\", \"sft\"], \"loss_weights\": [0.8, 0.2, 1.0], \"beta\": 0.6}",
                "{\"loss_type\": [\"ipo\", \"aot\", \"hinge\", \"discopop\"], \"beta\": 0.4, \"f_divergence_type\": \"js_divergence\"}");
    }

    @Test
    void everyRegisteredTypeOfTheFamilyIsChecked() {
        Set<String> checked = new TreeSet<>();
        for (String c : configs()) {
            checked.add(Objectives.pairwise(c).type());
        }
        Set<String> registered = new TreeSet<>();
        new PairwiseCatalog().register((type, factory) -> registered.add(type));
        assertEquals(registered, checked);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void analyticGradientMatchesFiniteDifferences(String config) {
        for (long seed = 1; seed <= 3; seed++) {
            Pairs pairs = Pairs.random(seed, 7, 1.5);
            ObjectiveResult r = Objectives.pairwise(config).compute(pairs.logps());
            double[] analytic = Pairs.policyGradient(r);
            assertTrue(maxAbs(analytic) > 1e-4, config + ": the check needs a gradient well above its tolerance");
            FiniteDifference.check(config + " seed " + seed,
                    x -> Objectives.pairwise(config).compute(pairs.withPolicy(x).logps()).loss(),
                    pairs.policy(), analytic, 1e-6);
        }
    }

    @Test
    void bcoPairGradientTreatsAWarmRunningMeanAsAConstant() {
        Pairs pairs = Pairs.random(11, 7, 1.5);
        double[] warm = {0.4, 2.0, 1.2, 37.0};
        PairwiseObjective bco = Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": 0.8}");
        ((BcoPair) bco).rewardMoments().restore(warm);
        double[] analytic = Pairs.policyGradient(bco.compute(pairs.logps()));
        FiniteDifference.check("bco_pair with delta 0.4", x -> {
            BcoPair o = (BcoPair) Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": 0.8}");
            o.rewardMoments().restore(warm);
            return o.compute(pairs.withPolicy(x).logps()).loss();
        }, pairs.policy(), analytic, 1e-6);
    }

    @Test
    void hingeInputsStayOffTheKink() {
        // the finite-difference check of hinge is only meaningful away from β·d = 1
        for (long seed = 1; seed <= 3; seed++) {
            Pairs p = Pairs.random(seed, 7, 1.5);
            int below = 0;
            for (int i = 0; i < p.size(); i++) {
                double d = (p.policyChosen()[i] - p.refChosen()[i]) - (p.policyRejected()[i] - p.refRejected()[i]);
                assertTrue(Math.abs(1 - 0.3 * d) > 1e-2, "seed " + seed + " pair " + i + " near the kink");
                below += 1 - 0.3 * d > 0 ? 1 : 0;
            }
            assertTrue(below > 0, "some pairs inside the margin");
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
