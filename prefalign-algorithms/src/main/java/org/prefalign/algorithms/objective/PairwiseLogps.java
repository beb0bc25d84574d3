package org.prefalign.algorithms.objective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a pairwise objective: per-pair summed completion log-probs.
 *
 * <p>Every array is a vector of the batch size B (shape {@code [B]}, or {@code [B, 1]}), of any
 * floating type; objectives compute in double and return gradients in each input's own type.
 *
 * @param policyChosen   log π_θ(y_w | x), summed over the chosen completion's tokens
 * @param policyRejected log π_θ(y_l | x), summed over the rejected completion's tokens
 * @param refChosen      log π_ref(y_w | x); {@code null} for reference-free objectives
 * @param refRejected    log π_ref(y_l | x); {@code null} exactly when {@code refChosen} is
 * @param chosenTokens   completion token counts of the chosen completions ({@code null} if no
 *                       objective in use normalises by length)
 * @param rejectedTokens completion token counts of the rejected completions
 * @throws IllegalArgumentException naming the input when a shape disagrees, the batch is empty,
 *                                  a value is NaN or infinite, or a token count is not positive
 */
public record PairwiseLogps(INDArray policyChosen, INDArray policyRejected,
                            INDArray refChosen, INDArray refRejected,
                            INDArray chosenTokens, INDArray rejectedTokens) {

    public PairwiseLogps {
        long b = Inputs.batchOf(policyChosen, "policyChosen");
        Inputs.requireBatch(policyRejected, "policyRejected", b);
        if ((refChosen == null) != (refRejected == null)) {
            throw new IllegalArgumentException("refChosen and refRejected must both be given or both be null, got "
                    + (refChosen == null ? "refChosen=null" : "refRejected=null"));
        }
        if (refChosen != null) {
            Inputs.requireBatch(refChosen, "refChosen", b);
            Inputs.requireBatch(refRejected, "refRejected", b);
        }
        if ((chosenTokens == null) != (rejectedTokens == null)) {
            throw new IllegalArgumentException("chosenTokens and rejectedTokens must both be given or both be null");
        }
        if (chosenTokens != null) {
            Inputs.requireCounts(chosenTokens, "chosenTokens", b);
            Inputs.requireCounts(rejectedTokens, "rejectedTokens", b);
        }
    }

    /** Reference-free inputs (SimPO, CPO, ORPO). */
    public static PairwiseLogps referenceFree(INDArray policyChosen, INDArray policyRejected,
                                              INDArray chosenTokens, INDArray rejectedTokens) {
        return new PairwiseLogps(policyChosen, policyRejected, null, null, chosenTokens, rejectedTokens);
    }

    /** The number of pairs B. */
    public int batchSize() {
        return (int) policyChosen.length();
    }

    /** This batch alone as the optimizer step: its pair count, and its chosen completions' token count. */
    public StepNormalizer normalizer() {
        double tokens = chosenTokens == null ? batchSize() : chosenTokens.sumNumber().doubleValue();
        return new StepNormalizer(batchSize(), tokens);
    }

    /** Whether reference log-probs are present. */
    public boolean hasReference() {
        return refChosen != null;
    }
}
