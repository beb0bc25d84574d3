package org.prefalign.algorithms.objective;

/** A loss over Bradley-Terry reward models; see {@link PairwiseObjective} for the normalisation contract. */
public interface RewardObjective extends Objective {

    /** The loss of {@code in}, normalised by this batch alone ({@code in.normalizer()}). */
    default ObjectiveResult compute(RewardScores in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    ObjectiveResult compute(RewardScores in, StepNormalizer step);
}
