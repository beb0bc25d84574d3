package org.prefalign.algorithms.objective;

/** A loss over token-level policy-gradient losses (PPO, GRPO, ...); see {@link PairwiseObjective} for the normalisation contract. */
public interface PolicyGradientObjective extends Objective {

    /** The loss of {@code in}, normalised by this batch alone ({@code in.normalizer()}). */
    default ObjectiveResult compute(TokenLogps in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    ObjectiveResult compute(TokenLogps in, StepNormalizer step);
}
