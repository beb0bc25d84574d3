package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * ReMax (Li et al. 2023, "ReMax: A Simple, Effective, and Efficient Reinforcement Learning Method
 * for Aligning Large Language Models", arXiv:2310.10505): the reward of the prompt's greedy
 * completion is the baseline,
 *
 * <pre>
 *   A_i = r(x_i, y_i) − r(x_i, ȳ_i)      ȳ_i = argmax decoding of π_θ for x_i
 * </pre>
 * One extra greedy rollout per prompt replaces PPO's value head; the baseline does not depend on
 * the sampled y_i, so the gradient stays unbiased. Needs {@code rewards} and
 * {@code baselineRewards}; returns advantages [B].
 */
public final class RemaxEstimator implements AdvantageEstimator {

    /** ReMax has no parameters. */
    public static RemaxEstimator fromConfig(ObjectiveConfig cfg) {
        return new RemaxEstimator();
    }

    @Override
    public String type() {
        return "remax";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[] r = in.rewardValues(type());
        if (in.baselineRewards() == null) {
            throw new IllegalArgumentException("remax needs baselineRewards: the reward of each prompt's greedy"
                    + " completion, [B] (AdvantageInput.withBaselineRewards)");
        }
        double[] base = Inputs.values(in.baselineRewards());
        double[] a = new double[r.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = r[i] - base[i];
        }
        return Advantages.perCompletion(a);
    }
}
