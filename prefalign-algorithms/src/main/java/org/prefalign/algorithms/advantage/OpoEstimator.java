package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * OPO, on-policy RL with the optimal reward baseline (Hao et al. 2025, "On-Policy RL with Optimal
 * Reward Baseline", arXiv:2505.23585): the variance-minimising baseline under the approximation
 * that a completion's squared score-function norm grows with its length l_i,
 *
 * <pre>
 *   b_g = Σ_{j ∈ g} l_j r_j / Σ_{j ∈ g} l_j        A_i = r_i − b_{g(i)}
 * </pre>
 * as verl's {@code opo}. l_i is the completion's token count (its mask row sum). A group of one
 * gets 0 (its own baseline). Needs {@code rewards}, {@code groups} and {@code mask}; a group whose
 * completions all have zero tokens has no defined baseline and is an error. Returns advantages [B].
 */
public final class OpoEstimator implements AdvantageEstimator {

    /** OPO has no parameters. */
    public static OpoEstimator fromConfig(ObjectiveConfig cfg) {
        return new OpoEstimator();
    }

    @Override
    public String type() {
        return "opo";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[] r = in.rewardValues(type());
        double[][] mask = in.maskMatrix(type());
        double[] len = TokenLogps.tokenCounts(mask);
        return Advantages.perCompletion(Groups.minusBaseline(r, in.groupIds(type()), g -> {
            double weighted = 0;
            double total = 0;
            for (int i : g) {
                weighted += len[i] * r[i];
                total += len[i];
            }
            if (total == 0) {
                throw new IllegalArgumentException("opo: the group of completion " + g[0] + " has no completion tokens"
                        + " (its mask rows are all zero), so its length-weighted baseline is undefined");
            }
            return weighted / total;
        }));
    }
}
