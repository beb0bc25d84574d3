package org.prefalign.core.math;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Masked whitening, as TRL's {@code masked_whiten} (trl/experimental/ppo/ppo_trainer.py): the
 * mean and the unbiased (Bessel-corrected) variance over the masked-in elements,
 *
 * <pre>
 *   μ = Σ m·v / Σ m,   σ² = Σ m·(v − μ)² / Σ m · Σ m / (Σ m − 1),   w = (v − μ) / √(σ² + 1e-8)  [+ μ if !shiftMean]
 * </pre>
 *
 * applied to every element, masked-out ones included (callers zero those as they need). PPO
 * whitens advantages (shift_mean) and, optionally, rewards (keeping their mean), after Ziegler et
 * al. 2019, "Fine-Tuning Language Models from Human Preferences", arXiv:1909.08593.
 */
public final class Whitening {

    /** Added to the variance before the square root, as TRL does. */
    public static final double EPSILON = 1e-8;

    private Whitening() {
    }

    /**
     * Whitened {@code values} in their shape and type; statistics over the elements where
     * {@code mask} is 1.
     *
     * @param values    any shape, finite
     * @param mask      the same shape, 0 or 1, with at least two ones (the unbiased variance of one
     *                  value is undefined)
     * @param shiftMean true: zero mean; false: the original mean is added back
     */
    public static INDArray maskedWhiten(INDArray values, INDArray mask, boolean shiftMean) {
        if (values == null || !values.dataType().isFPType()) {
            throw new IllegalArgumentException("values must be a floating-point array, got "
                    + (values == null ? "null" : values.dataType()));
        }
        if (mask == null || !Arrays.equals(mask.shape(), values.shape())) {
            throw new IllegalArgumentException("mask must have the values' shape " + Arrays.toString(values.shape())
                    + ", got " + (mask == null ? "null" : Arrays.toString(mask.shape())));
        }
        double[] v = values.dup('c').reshape(values.length()).toDoubleVector();
        double[] m = mask.dup('c').reshape(mask.length()).toDoubleVector();
        double n = 0;
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("values must be finite, got " + v[i] + " at flat index " + i);
            }
            if (m[i] != 0 && m[i] != 1) {
                throw new IllegalArgumentException("mask must be 0 or 1, got " + m[i] + " at flat index " + i);
            }
            n += m[i];
            sum += m[i] * v[i];
        }
        if (n < 2) {
            throw new IllegalArgumentException("mask selects " + (long) n
                    + " values; the unbiased variance needs at least 2");
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < v.length; i++) {
            double d = v[i] - mean;
            squares += m[i] * d * d;
        }
        double variance = squares / n * (n / (n - 1));
        double scale = 1.0 / Math.sqrt(variance + EPSILON);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) * scale + (shiftMean ? 0.0 : mean);
        }
        INDArray result = Nd4j.createFromArray(out).reshape(values.shape());
        return values.dataType() == DataType.DOUBLE ? result : result.castTo(values.dataType());
    }
}
