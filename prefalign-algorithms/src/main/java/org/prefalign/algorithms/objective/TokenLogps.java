package org.prefalign.algorithms.objective;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a token-level policy-gradient objective (PPO, GRPO, DAPO, GSPO, CISPO, ...).
 *
 * @param policy     log π_θ(a_t | s_t) of each completion token, [B, T]
 * @param old        log π_θ_old of the same tokens from a training-path forward before the first
 *                   update, [B, T]; {@code null} means on-policy (ratio exactly 1, gradient kept)
 * @param ref        log π_ref, [B, T]; {@code null} when no KL term is used
 * @param advantages per-sequence [B] or per-token [B, T] advantages
 * @param mask       1 for completion tokens, 0 for prompt and padding, [B, T]
 */
public record TokenLogps(INDArray policy, INDArray old, INDArray ref, INDArray advantages, INDArray mask) {

    public TokenLogps {
        if (policy == null || policy.rank() != 2 || policy.length() == 0) {
            throw new IllegalArgumentException("policy must be a non-empty matrix [B, T], got "
                    + (policy == null ? "null" : Arrays.toString(policy.shape())));
        }
        Inputs.requireFinite(policy, "policy");
        requireSameShape(old, "old", policy);
        requireSameShape(ref, "ref", policy);
        if (mask == null) {
            throw new IllegalArgumentException("mask is required: 1 for completion tokens, 0 elsewhere");
        }
        requireSameShape(mask, "mask", policy);
        if (advantages == null) {
            throw new IllegalArgumentException("advantages is required, [B] or [B, T]");
        }
        if (advantages.rank() == 2) {
            requireSameShape(advantages, "advantages", policy);
        } else {
            Inputs.requireBatch(advantages, "advantages", policy.size(0));
        }
    }

    private static void requireSameShape(INDArray a, String name, INDArray policy) {
        if (a == null) {
            return;
        }
        if (!Arrays.equals(a.shape(), policy.shape())) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + " but policy has "
                    + Arrays.toString(policy.shape()));
        }
        Inputs.requireFinite(a, name);
    }

    /** The number of sequences B. */
    public int batchSize() {
        return (int) policy.size(0);
    }

    /** This batch alone as the optimizer step: its sequences and its masked token count. */
    public StepNormalizer normalizer() {
        double tokens = mask.sumNumber().doubleValue();
        return new StepNormalizer(batchSize(), tokens > 0 ? tokens : 1);
    }
}
