package org.prefalign.algorithms.objective;

import org.prefalign.core.math.StableMath;

/**
 * The logistic (Bradley-Terry) negative log-likelihood that most preference objectives are built
 * on, with its label-smoothed form and their slopes, in forms that stay finite at margins of
 * hundreds of nats.
 *
 * <pre>
 *   ℓ(z)    = −log σ(z) = softplus(−z),                 ℓ'(z) = −σ(−z)
 *   ℓ_ε(z)  = −(1 − ε)·log σ(z) − ε·log σ(−z),          ℓ_ε'(z) = −(1 − ε)·σ(−z) + ε·σ(z)
 *   σ'(z)   = σ(z)·σ(−z)
 * </pre>
 *
 * <p>z is a preference logit: the reward margin of DPO and its relatives, a reward model's score
 * difference (Bradley and Terry 1952, "Rank Analysis of Incomplete Block Designs: I. The Method of
 * Paired Comparisons"), a binary classifier's logit (BCO). ℓ_ε is the expected loss when a
 * preference label is flipped with probability ε: "conservative" DPO (Mitchell 2023, "A note on
 * DPO with noisy preferences and relationship to IPO"), TRL's {@code label_smoothing}.
 */
public final class LogisticLoss {

    private LogisticLoss() {
    }

    /** ℓ(z) = −log σ(z) = softplus(−z). */
    public static double nll(double z) {
        return StableMath.softplus(-z);
    }

    /** ℓ'(z) = −σ(−z). */
    public static double nllSlope(double z) {
        return -StableMath.sigmoid(-z);
    }

    /** σ'(z) = σ(z)·σ(−z), the slope of σ. */
    public static double density(double z) {
        return StableMath.sigmoid(z) * StableMath.sigmoid(-z);
    }

    /** ℓ_ε(z) = −(1 − ε)·log σ(z) − ε·log σ(−z), for a label-flip probability ε in [0, 0.5). */
    public static double smoothed(double z, double eps) {
        // skipping the ε-term at ε = 0 keeps plain −log σ(z) free of a 0·∞ where z overflows
        return eps == 0 ? nll(z) : (1 - eps) * nll(z) + eps * nll(-z);
    }

    /** ℓ_ε'(z) = −(1 − ε)·σ(−z) + ε·σ(z). */
    public static double smoothedSlope(double z, double eps) {
        return (1 - eps) * nllSlope(z) - eps * nllSlope(-z);
    }
}
