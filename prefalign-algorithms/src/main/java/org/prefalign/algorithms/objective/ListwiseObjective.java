package org.prefalign.algorithms.objective;

/** A loss over rankings of several completions; see {@link PairwiseObjective} for the normalisation contract. */
public interface ListwiseObjective extends Objective {

    /** The loss of {@code in}, normalised by this batch alone ({@code in.normalizer()}). */
    default ObjectiveResult compute(ListwiseLogps in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    ObjectiveResult compute(ListwiseLogps in, StepNormalizer step);
}
