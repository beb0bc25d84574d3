package org.prefalign.algorithms.advantage;

/**
 * Turns a rollout's rewards into advantages: how much better each completion (or token) did than
 * expected. Built from JSON by
 * {@link org.prefalign.algorithms.objective.AdvantageEstimators#fromJson(String)}; every estimator
 * is deterministic and returns finite numbers for every valid input (groups of one, equal rewards
 * included), or throws an exception naming the missing or invalid input.
 */
public interface AdvantageEstimator {

    /** The config name ({@code grpo}, {@code gae}, ...). */
    String type();

    /** The advantages of {@code in}. */
    Advantages estimate(AdvantageInput in);
}
