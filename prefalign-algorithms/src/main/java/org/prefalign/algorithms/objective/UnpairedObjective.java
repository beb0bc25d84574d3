package org.prefalign.algorithms.objective;

/**
 * A loss over single completions labelled desirable or undesirable (KTO, APO-zero unpaired, BCO);
 * see {@link PairwiseObjective} for the normalisation contract.
 */
public interface UnpairedObjective extends Objective {

    /** The loss of {@code in}, normalised by this batch alone ({@code in.normalizer()}). */
    default ObjectiveResult compute(UnpairedLogps in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    ObjectiveResult compute(UnpairedLogps in, StepNormalizer step);
}
