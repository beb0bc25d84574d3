package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * GRPO's group-relative advantage (Shao et al. 2024, "DeepSeekMath", arXiv:2402.03300), as TRL's
 * GRPOTrainer computes it:
 *
 * <pre>
 *   A_i = (r_i − mean_{g(i)} r) / (std + 1e-4)
 * </pre>
 * std by {@code scale_rewards}: {@code group} (default) the unbiased (n − 1) std of i's group,
 * {@code batch} the unbiased std of all rewards (Lite PPO, arXiv:2508.08221), {@code none} no
 * division (Dr. GRPO). The std of a single value is 0. Hence a group of one, or a group of equal
 * rewards, gets advantage 0: it carries no learning signal.
 *
 * <p>Needs {@code rewards} and {@code groups}; returns advantages [B].
 */
public final class GrpoEstimator implements AdvantageEstimator {

    /** TRL's constant in the denominator. */
    public static final double EPSILON = 1e-4;

    private final String scaleRewards;

    GrpoEstimator(String scaleRewards) {
        this.scaleRewards = scaleRewards;
    }

    /** Reads {@code scale_rewards}: group (default), batch or none. */
    public static GrpoEstimator fromConfig(ObjectiveConfig cfg) {
        return new GrpoEstimator(cfg.choice("scale_rewards", "group", "group", "batch", "none"));
    }

    @Override
    public String type() {
        return "grpo";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[] r = in.rewardValues(type());
        int[] ids = in.groupIds(type());
        double[] centred = Groups.centred(r, ids);
        return Advantages.perCompletion(switch (scaleRewards) {
            case "none" -> centred;
            case "batch" -> {
                double batchStd = Groups.std(r, Groups.all(r.length));
                yield Groups.dividedBy(centred, ids, g -> batchStd + EPSILON);
            }
            default -> Groups.dividedBy(centred, ids, g -> Groups.std(r, g) + EPSILON);
        });
    }
}
