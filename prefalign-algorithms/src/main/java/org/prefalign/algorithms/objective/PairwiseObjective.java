package org.prefalign.algorithms.objective;

/**
 * A loss over (chosen, rejected) completion pairs: the DPO family, SimPO, CPO, ORPO.
 *
 * <p>The loss of a batch is {@code Σ_i perExample_i / normalizer.sequences()}. With the default
 * normaliser (this batch) that is the batch mean; passing the whole optimizer step's normaliser to
 * each micro-batch makes the summed micro-batch gradients equal those of one large batch.
 */
public interface PairwiseObjective extends Objective {

    /** Whether the inputs must carry reference log-probs. */
    boolean requiresReference();

    /** The loss of {@code in}, normalised by this batch alone. */
    default ObjectiveResult compute(PairwiseLogps in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    ObjectiveResult compute(PairwiseLogps in, StepNormalizer step);
}
