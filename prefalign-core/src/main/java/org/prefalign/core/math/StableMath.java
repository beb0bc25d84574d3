package org.prefalign.core.math;

/**
 * Numerically stable scalar forms that every objective and kernel uses.
 *
 * <p>Preference losses live on log-ratio gaps that can reach hundreds of nats; the naive
 * {@code Math.log(1 / (1 + Math.exp(-x)))} underflows to {@code -Infinity} there. Each function
 * here is exact to a few ulps over the whole double range.
 */
public final class StableMath {

    private static final double LN2 = Math.log(2.0);

    private StableMath() {
    }

    /** σ(x) = 1 / (1 + e^{−x}), evaluated without overflow on either side. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log σ(x) = −softplus(−x); finite for every finite x. */
    public static double logSigmoid(double x) {
        return -softplus(-x);
    }

    /** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}). */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * log(1 − e^{x}) for x ≤ 0 (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"):
     * {@code log(−expm1(x))} near 0, {@code log1p(−exp(x))} below −ln 2.
     *
     * @throws IllegalArgumentException when x &gt; 0 (the result would be the log of a negative)
     */
    public static double log1mexp(double x) {
        if (x > 0 || Double.isNaN(x)) {
            throw new IllegalArgumentException("log1mexp(x) needs x <= 0, got " + x);
        }
        return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
    }

    /** log Σ e^{x_i} with the max shifted out; {@code -Infinity} for an empty or all −∞ input. */
    public static double logSumExp(double[] x) {
        return logSumExp(x, 0, x.length);
    }

    /** log Σ e^{x_i} over {@code x[from, to)}. */
    public static double logSumExp(double[] x, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(x[i] - max);
        }
        return max + Math.log(sum);
    }
}
