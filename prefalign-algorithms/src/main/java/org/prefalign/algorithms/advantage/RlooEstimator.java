package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * REINFORCE Leave-One-Out (Kool, van Hoof, Welling 2019; Ahmadian et al. 2024, "Back to Basics",
 * arXiv:2402.14740), as TRL's RLOOTrainer computes it: each completion's baseline is the mean
 * reward of the other completions of its prompt,
 *
 * <pre>
 *   A_i = r_i − (Σ_{j ∈ g(i)} r_j − r_i) / (n − 1)  =  n/(n − 1) · (r_i − mean_{g(i)} r)
 * </pre>
 * The baseline does not depend on r_i, so the estimate stays unbiased. A group of one has no
 * other completion and gets 0 (TRL). With {@code normalize_advantages} (TRL, default false) the
 * advantages are then standardised over the batch: (A − mean A) / (std A + 1e-4), unbiased std.
 *
 * <p>Needs {@code rewards} and {@code groups}; returns advantages [B].
 */
public final class RlooEstimator implements AdvantageEstimator {

    private final boolean normalize;

    RlooEstimator(boolean normalize) {
        this.normalize = normalize;
    }

    /** Reads {@code normalize_advantages} (false). */
    public static RlooEstimator fromConfig(ObjectiveConfig cfg) {
        return new RlooEstimator(cfg.bool("normalize_advantages", false));
    }

    @Override
    public String type() {
        return "rloo";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[] r = in.rewardValues(type());
        double[] a = new double[r.length];
        // the baseline leaves out the completion itself, so it is per member, not per group
        for (int[] g : Groups.members(in.groupIds(type()))) {
            if (g.length < 2) {
                continue;
            }
            double sum = 0;
            for (int i : g) {
                sum += r[i];
            }
            for (int i : g) {
                a[i] = r[i] - (sum - r[i]) / (g.length - 1);
            }
        }
        if (normalize) {
            int[] all = Groups.all(a.length);
            double mean = Groups.mean(a, all);
            double std = Groups.std(a, all);
            for (int i = 0; i < a.length; i++) {
                a[i] = (a[i] - mean) / (std + GrpoEstimator.EPSILON);
            }
        }
        return Advantages.perCompletion(a);
    }
}
