package org.prefalign.algorithms.objective;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a listwise objective: K completions per prompt with their feedback scores.
 *
 * <p>Lists of different lengths are padded to K and marked by {@code mask}. A padded entry
 * (mask 0) takes no part in any loss and gets exactly zero gradient; its values must still be
 * finite numbers (so a NaN can never hide in a batch), but are otherwise ignored — its token
 * count may be 0. Every list needs at least two completions: a ranking of one says nothing.
 *
 * <p>Listwise objectives normalise by lists: {@link #normalizer()} counts B lists, and the
 * per-list losses include any per-completion token means themselves.
 *
 * @param policy log π_θ(y_k | x) summed over each completion, [B, K]
 * @param ref    log π_ref(y_k | x), [B, K]; {@code null} for reference-free objectives
 * @param scores the feedback score of each completion (higher is better), [B, K]
 * @param tokens completion token counts, [B, K]; {@code null} unless an objective length-normalises
 * @param mask   1 where completion k of list b exists, 0 for padding, [B, K]; {@code null} when
 *               every list is full
 * @throws IllegalArgumentException naming the input when a shape disagrees, a value is NaN or
 *                                  infinite, a mask value is not 0 or 1, a present completion's
 *                                  token count is not positive, or a list has fewer than two
 *                                  completions
 */
public record ListwiseLogps(INDArray policy, INDArray ref, INDArray scores, INDArray tokens, INDArray mask) {

    public ListwiseLogps {
        requireMatrix(policy, "policy", null);
        requireMatrix(scores, "scores", policy.shape());
        if (ref != null) {
            requireMatrix(ref, "ref", policy.shape());
        }
        if (mask != null) {
            requireMatrix(mask, "mask", policy.shape());
        }
        if (tokens != null) {
            requireMatrix(tokens, "tokens", policy.shape());
        }
        requireValidMaskAndCounts(mask, tokens, (int) policy.size(0), (int) policy.size(1));
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

    private static void requireValidMaskAndCounts(INDArray mask, INDArray tokens, int b, int k) {
        double[] m = mask == null ? null : Inputs.values(mask);
        double[] t = tokens == null ? null : Inputs.values(tokens);
        for (int i = 0; i < b; i++) {
            int present = 0;
            for (int j = 0; j < k; j++) {
                int at = i * k + j;
                if (m != null && m[at] != 0 && m[at] != 1) {
                    throw new IllegalArgumentException("mask[" + i + "][" + j + "] must be 0 (padding) or 1 (present), got " + m[at]);
                }
                boolean isPresent = m == null || m[at] == 1;
                if (isPresent && t != null && !(t[at] > 0)) {
                    throw new IllegalArgumentException("tokens[" + i + "][" + j + "] must be a token count > 0 for a present"
                            + " completion, got " + t[at]);
                }
                present += isPresent ? 1 : 0;
            }
            if (present < 2) {
                throw new IllegalArgumentException("list " + i + " has " + present + " present completion"
                        + (present == 1 ? "" : "s") + " (mask); a listwise objective needs at least 2 per list");
            }
        }
    }

    /** The number of lists B. */
    public int batchSize() {
        return (int) policy.size(0);
    }

    /** The padded list length K. */
    public int listSize() {
        return (int) policy.size(1);
    }

    /** Whether reference log-probs are present. */
    public boolean hasReference() {
        return ref != null;
    }

    /** Whether completion token counts are present. */
    public boolean hasTokens() {
        return tokens != null;
    }

    /** This batch alone as the optimizer step: B lists (listwise losses normalise by lists only). */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), batchSize());
    }
}
