package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Dr. GRPO's advantage (Liu et al. 2025, "Understanding R1-Zero-Like Training: A Critical
 * Perspective", arXiv:2503.20783): the group mean alone as baseline,
 *
 * <pre>
 *   A_i = r_i − mean_{g(i)} r
 * </pre>
 * Dividing by the group std, as GRPO does, up-weights prompts that are too easy or too hard
 * (question-level difficulty bias); Dr. GRPO drops it. (Same as GRPO with scale_rewards none.)
 * A group of one gets 0. Needs {@code rewards} and {@code groups}; returns advantages [B].
 */
public final class DrGrpoEstimator implements AdvantageEstimator {

    /** Dr. GRPO has no parameters. */
    public static DrGrpoEstimator fromConfig(ObjectiveConfig cfg) {
        return new DrGrpoEstimator();
    }

    @Override
    public String type() {
        return "dr_grpo";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        return Advantages.perCompletion(Groups.centred(in.rewardValues(type()), in.groupIds(type())));
    }
}
