package org.prefalign.algorithms.objective;

/**
 * A training objective: a loss over log-probs (never over a model) with its exact gradient.
 *
 * <p>Each kind of feedback signal has its own sub-interface and input record:
 * {@link PairwiseObjective} over {@link PairwiseLogps}, {@link UnpairedObjective} over
 * {@link UnpairedLogps}, {@link RewardObjective} over {@link RewardScores},
 * {@link ListwiseObjective} over {@link ListwiseLogps} and {@link PolicyGradientObjective} over
 * {@link TokenLogps}. Every {@code compute} returns an {@link ObjectiveResult}: the loss, the
 * per-example losses, d loss / d input for every differentiable input, and TRL-named metrics.
 *
 * <p>Objectives are built by {@link Objectives#fromJson(String)} from a config whose {@code type}
 * and hyper-parameter names are TRL's.
 */
public interface Objective {

    /** The TRL name of this objective ({@code sigmoid}, {@code kto}, {@code grpo}, ...). */
    String type();
}
