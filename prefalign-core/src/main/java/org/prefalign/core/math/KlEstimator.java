package org.prefalign.core.math;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-token estimators of KL(π_θ ‖ π_ref) from a token sampled from π_θ (Schulman 2020,
 * "Approximating KL Divergence", http://joschu.net/blog/kl-approx.html), with the convention
 * TRL, OpenRLHF and verl use: r = π_ref / π_θ, so log r = refLogp − logp.
 *
 * <pre>
 *   k1 = −log r                 unbiased, high variance, can be negative      ∂k1/∂logp = 1
 *   k2 = (log r)² / 2           biased, low variance                          ∂k2/∂logp = −log r
 *   k3 = r − 1 − log r          unbiased, low variance, never negative        ∂k3/∂logp = 1 − r
 * </pre>
 *
 * <p>k3 is the GRPO penalty (Shao et al. 2024, DeepSeekMath, arXiv:2402.03300). It is computed
 * as expm1(log r) − log r, which stays accurate when r is close to 1 (there r − 1 and log r
 * nearly cancel). Derivatives are with respect to the policy log-prob; the reference gets none.
 */
public enum KlEstimator {

    K1 {
        @Override
        public double value(double logp, double refLogp) {
            return logp - refLogp;
        }

        @Override
        public double gradient(double logp, double refLogp) {
            return 1.0;
        }
    },
    K2 {
        @Override
        public double value(double logp, double refLogp) {
            double logR = refLogp - logp;
            return 0.5 * logR * logR;
        }

        @Override
        public double gradient(double logp, double refLogp) {
            return logp - refLogp;
        }
    },
    K3 {
        @Override
        public double value(double logp, double refLogp) {
            double logR = refLogp - logp;
            return Math.expm1(logR) - logR;
        }

        @Override
        public double gradient(double logp, double refLogp) {
            return -Math.expm1(refLogp - logp);
        }
    };

    /** The estimate of one token with policy log-prob {@code logp} and reference log-prob {@code refLogp}. */
    public abstract double value(double logp, double refLogp);

    /** ∂ value / ∂ logp. */
    public abstract double gradient(double logp, double refLogp);

    /** "k1", "k2" or "k3". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The estimator named {@code key} ("k1", "k2" or "k3", any case).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static KlEstimator of(String key) {
        for (KlEstimator k : values()) {
            if (k.key().equalsIgnoreCase(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("kl estimator must be one of k1, k2, k3, got '" + key + "'");
    }

    /** {@link #value} of every element, in logp's shape and type. */
    public INDArray value(INDArray logp, INDArray refLogp) {
        return map(logp, refLogp, false);
    }

    /** {@link #gradient} of every element, in logp's shape and type. */
    public INDArray gradient(INDArray logp, INDArray refLogp) {
        return map(logp, refLogp, true);
    }

    private INDArray map(INDArray logp, INDArray refLogp, boolean gradient) {
        if (logp == null || refLogp == null || !Arrays.equals(logp.shape(), refLogp.shape())
                || !logp.dataType().isFPType() || !refLogp.dataType().isFPType()) {
            throw new IllegalArgumentException("logp and refLogp must be floating-point arrays of one shape, got "
                    + describe(logp) + " and " + describe(refLogp));
        }
        double[] p = logp.dup('c').reshape(logp.length()).toDoubleVector();
        double[] q = refLogp.dup('c').reshape(refLogp.length()).toDoubleVector();
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            if (!Double.isFinite(p[i]) || !Double.isFinite(q[i])) {
                throw new IllegalArgumentException(key() + ": logp and refLogp must be finite, got " + p[i] + " and "
                        + q[i] + " at flat index " + i);
            }
            out[i] = gradient ? gradient(p[i], q[i]) : value(p[i], q[i]);
        }
        INDArray result = Nd4j.createFromArray(out).reshape(logp.shape());
        return logp.dataType() == DataType.DOUBLE ? result : result.castTo(logp.dataType());
    }

    private static String describe(INDArray a) {
        return a == null ? "null" : a.dataType() + " " + Arrays.toString(a.shape());
    }
}
