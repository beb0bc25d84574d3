package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * The supervised term of CPO and Orpo: the negative log-likelihood of the chosen completions as a
 * token mean over the optimizer step,
 *
 * <pre>  NLL = Σ_i −log π_θ(y_w,i | x_i) / N</pre>
 *
 * with N = {@link StepNormalizer#tokens()} the step's chosen-completion tokens — TRL's
 * {@code CrossEntropyLoss} over the chosen labels, a mean over tokens rather than over pairs.
 *
 * <p>NLL is a batch-level scalar, not a per-pair quantity. In a micro-batch of B pairs of a step
 * of S pairs, each pair carries the equal share (S / B)·Σ_{j in batch} −log π_θ(y_w,j | x_j) / N,
 * so Σ perExample / S contains exactly the micro-batch's part of the step's NLL and micro-batches
 * add up to the NLL of the whole step. For a batch on its own (S = B) every pair carries the batch
 * NLL itself.
 */
final class ChosenNll {

    private ChosenNll() {
    }

    /**
     * Adds {@code weight}·NLL's per-pair shares to {@code perExample} and its gradient with respect
     * to the summed {@code policyChosen} to {@code gradChosen}.
     *
     * @return this micro-batch's own token-mean NLL, TRL's {@code nll_loss} metric
     */
    static double addTo(double weight, PairwiseLogps in, StepNormalizer step, double[] perExample, double[] gradChosen,
                        String type) {
        if (in.chosenTokens() == null) {
            throw new IllegalArgumentException(type + " adds the chosen completions' NLL, a token mean: chosenTokens and "
                    + "rejectedTokens are required, got null");
        }
        double[] chosen = Inputs.values(in.policyChosen());
        double nllSum = 0;
        for (double c : chosen) {
            nllSum -= c;
        }
        double share = weight * step.sequences() / chosen.length * nllSum / step.tokens();
        for (int i = 0; i < chosen.length; i++) {
            perExample[i] += share;
            gradChosen[i] -= weight / step.tokens();
        }
        return nllSum / in.chosenTokens().sumNumber().doubleValue();
    }
}
