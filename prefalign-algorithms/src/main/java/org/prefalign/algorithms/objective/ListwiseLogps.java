package org.prefalign.algorithms.objective;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a listwise objective: K completions per prompt with their feedback scores.
 *
 * @param policy log π_θ(y_k | x) summed over each completion, [B, K]
 * @param ref    log π_ref(y_k | x), [B, K]; {@code null} for reference-free objectives
 * @param scores the feedback score of each completion (higher is better), [B, K]
 * @param tokens completion token counts, [B, K]; {@code null} unless an objective length-normalises
 * @param mask   1 where completion k of list b exists, 0 for padding, [B, K]; {@code null} when
 *               every list is full
 */
public record ListwiseLogps(INDArray policy, INDArray ref, INDArray scores, INDArray tokens, INDArray mask) {

    public ListwiseLogps {
        requireMatrix(policy, "policy", null);
        requireMatrix(scores, "scores", policy.shape());
        if (ref != null) {
            requireMatrix(ref, "ref", policy.shape());
        }
        if (tokens != null) {
            requireMatrix(tokens, "tokens", policy.shape());
        }
        if (mask != null) {
            requireMatrix(mask, "mask", policy.shape());
        }
    }

    private static void requireMatrix(INDArray a, String name, long[] shape) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is required, got null");
        }
        if (a.rank() != 2 || a.size(0) == 0 || a.size(1) == 0) {
            throw new IllegalArgumentException(name + " must be a non-empty matrix [B, K], got shape " + Arrays.toString(a.shape()));
        }
        if (shape != null && !Arrays.equals(shape, a.shape())) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + " but policy has "
                    + Arrays.toString(shape));
        }
        Inputs.requireFinite(a, name);
    }

    /** The number of lists B. */
    public int batchSize() {
        return (int) policy.size(0);
    }

    /** This batch alone as the optimizer step. */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), batchSize());
    }
}
