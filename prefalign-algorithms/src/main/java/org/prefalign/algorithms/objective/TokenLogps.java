package org.prefalign.algorithms.objective;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a token-level policy-gradient objective (PPO, GRPO, DAPO, GSPO, CISPO, ...).
 *
 * <p>Only positions where {@code mask} is 1 enter a loss; the values at masked-out positions are
 * never exponentiated, so padding may hold any finite number.
 *
 * @param policy     log π_θ(a_t | s_t) of each completion token, [B, T]
 * @param old        log π_θ_old of the same tokens from a training-path forward before the first
 *                   update, [B, T]; {@code null} means on-policy (ratio exactly 1, gradient kept)
 * @param ref        log π_ref, [B, T]; {@code null} when no KL term is used
 * @param advantages per-sequence [B] (or [B, 1]) or per-token [B, T] advantages
 * @param mask       1 for completion tokens, 0 for prompt and padding, [B, T]; at least one 1
 * @throws IllegalArgumentException naming the input when a shape disagrees, a value is NaN or
 *                                  infinite, a mask entry is not 0 or 1, or the mask is all zero
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
        requireMask(mask, "mask");
        if (advantages == null) {
            throw new IllegalArgumentException("advantages is required, [B] or [B, T]");
        }
        if (advantages.rank() == 2 && Arrays.equals(advantages.shape(), policy.shape())) {
            Inputs.requireFinite(advantages, "advantages");
        } else if (advantages.rank() <= 2 && advantages.isVectorOrScalar()) {
            Inputs.requireBatch(advantages, "advantages", policy.size(0));
        } else {
            throw new IllegalArgumentException("advantages must be [B] or [B, T] = " + Arrays.toString(policy.shape())
                    + ", got shape " + Arrays.toString(advantages.shape()));
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

    /** Checks that a token mask holds only 0 and 1 and at least one 1; {@code name} names it in messages. */
    public static void requireMask(INDArray mask, String name) {
        double[] m = Inputs.values(mask);
        boolean any = false;
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0 && m[i] != 1) {
                throw new IllegalArgumentException(name + " must hold only 0 and 1, got " + m[i] + " at flat index " + i);
            }
            any |= m[i] == 1;
        }
        if (!any) {
            throw new IllegalArgumentException(name + " is all zero: the batch has no completion tokens to train on");
        }
    }

    /** The number of sequences B. */
    public int batchSize() {
        return (int) policy.size(0);
    }

    /** The padded completion length T. */
    public int length() {
        return (int) policy.size(1);
    }

    /** Whether the advantages are per token ([B, T]) rather than per sequence. */
    public boolean perTokenAdvantages() {
        return advantages.rank() == 2 && Arrays.equals(advantages.shape(), policy.shape()) && policy.size(1) > 1;
    }

    /** The advantage of every token, [B][T]; a per-sequence advantage is repeated along its row. */
    public double[][] advantageMatrix() {
        if (perTokenAdvantages()) {
            return matrix(advantages);
        }
        double[] a = Inputs.values(advantages);
        double[][] out = new double[batchSize()][length()];
        for (int i = 0; i < out.length; i++) {
            Arrays.fill(out[i], a[i]);
        }
        return out;
    }

    /** A [B, T] input as doubles, row by row. */
    public static double[][] matrix(INDArray a) {
        int rows = (int) a.size(0);
        int cols = (int) a.size(1);
        double[] flat = Inputs.values(a);
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return out;
    }

    /** The completion token count n_i = Σ_t m_{i,t} of each row of a [B][T] mask. */
    public static double[] tokenCounts(double[][] mask) {
        double[] n = new double[mask.length];
        for (int i = 0; i < mask.length; i++) {
            for (double m : mask[i]) {
                n[i] += m;
            }
        }
        return n;
    }

    /** This batch alone as the optimizer step: its sequences and its masked token count. */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), mask.sumNumber().doubleValue());
    }
}
