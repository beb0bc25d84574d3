package org.prefalign.algorithms.objective.policy;

/**
 * Per-token estimators of KL(π_θ ‖ π_ref) from the sampled token's log-probs (Schulman 2020,
 * "Approximating KL Divergence", http://joschu.net/blog/kl-approx.html).
 *
 * <p>With the project's convention r = π_ref / π_θ, i.e. log r = log π_ref − log π_θ:
 * <ul>
 * <li>k1 = −log r (unbiased, can be negative; TRL's PPO and RLOO reward penalty)</li>
 * <li>k2 = (log r)² / 2 (biased, non-negative)</li>
 * <li>k3 = (r − 1) − log r (unbiased, non-negative; GRPO's KL term)</li>
 * </ul>
 * Each comes with its derivative with respect to log π_θ (the reference is a constant).
 */
public enum KlEstimator {
    K1("k1") {
        @Override
        public double value(double logp, double refLogp) {
            return logp - refLogp;
        }

        @Override
        public double dLogp(double logp, double refLogp) {
            return 1.0;
        }
    },
    K2("k2") {
        @Override
        public double value(double logp, double refLogp) {
            double logR = refLogp - logp;
            return 0.5 * logR * logR;
        }

        @Override
        public double dLogp(double logp, double refLogp) {
            return logp - refLogp;
        }
    },
    K3("k3") {
        @Override
        public double value(double logp, double refLogp) {
            double logR = refLogp - logp;
            // expm1 keeps (r − 1) − log r accurate when the policies nearly agree
            return Math.expm1(logR) - logR;
        }

        @Override
        public double dLogp(double logp, double refLogp) {
            return -Math.expm1(refLogp - logp);
        }
    };

    private final String id;

    KlEstimator(String id) {
        this.id = id;
    }

    /** The estimate at one token. */
    public abstract double value(double logp, double refLogp);

    /** d value / d log π_θ. */
    public abstract double dLogp(double logp, double refLogp);

    /** The name used in configs: {@code k1}, {@code k2}, {@code k3}. */
    public String id() {
        return id;
    }

    /** The estimator named {@code id}. */
    public static KlEstimator of(String id) {
        for (KlEstimator k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown KL estimator '" + id + "'; known: k1, k2, k3");
    }
}
