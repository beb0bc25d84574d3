package org.prefalign.algorithms.objective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of an unpaired objective (KTO, APO-zero, BCO): single completions labelled desirable
 * or not.
 *
 * @param policy    log π_θ(y | x) summed over each completion, [B]
 * @param ref       log π_ref(y | x), [B]
 * @param desirable the label of each completion
 * @param policyKl  log π_θ(y' | x) of the mismatched pairs (completion y' of another prompt) that
 *                  form KTO's KL reference point, [B_kl]; {@code null} when the objective does not
 *                  use it (APO-zero, BCO) or the caller passes KTO a precomputed one
 * @param refKl     log π_ref(y' | x) of the mismatched pairs, [B_kl]
 * @throws IllegalArgumentException naming the input when a shape disagrees, the batch is empty, a
 *                                  value is NaN or infinite, or only one of policyKl / refKl is given
 */
public record UnpairedLogps(INDArray policy, INDArray ref, boolean[] desirable, INDArray policyKl, INDArray refKl) {

    public UnpairedLogps {
        long b = Inputs.batchOf(policy, "policy");
        Inputs.requireBatch(ref, "ref", b);
        if (desirable == null || desirable.length != b) {
            throw new IllegalArgumentException("desirable must hold one label per completion (" + b + "), got "
                    + (desirable == null ? "null" : desirable.length));
        }
        if ((policyKl == null) != (refKl == null)) {
            throw new IllegalArgumentException("policyKl and refKl must both be given or both be null, got "
                    + (policyKl == null ? "policyKl=null" : "refKl=null"));
        }
        if (policyKl != null) {
            Inputs.requireBatch(refKl, "refKl", Inputs.batchOf(policyKl, "policyKl"));
        }
    }

    /** Inputs without mismatched pairs (APO-zero, BCO, or KTO given a precomputed KL estimate). */
    public static UnpairedLogps withoutKl(INDArray policy, INDArray ref, boolean[] desirable) {
        return new UnpairedLogps(policy, ref, desirable, null, null);
    }

    /** The number of completions B. */
    public int batchSize() {
        return (int) policy.length();
    }

    /** Whether the mismatched-pair log-probs of KTO's KL term are present. */
    public boolean hasKl() {
        return policyKl != null;
    }

    /** This batch alone as the optimizer step. */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), batchSize());
    }
}
