package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.core.math.StableMath;

/**
 * The logistic (Bradley-Terry) negative log-likelihood that most of the DPO family is built on,
 * in forms that stay finite at margins of hundreds of nats.
 */
final class Logistic {

    private Logistic() {
    }

    /** −log σ(z) = softplus(−z). */
    static double nll(double z) {
        return StableMath.softplus(-z);
    }

    /** d/dz −log σ(z) = −σ(−z). */
    static double nllSlope(double z) {
        return -StableMath.sigmoid(-z);
    }

    /** σ'(z) = σ(z)·σ(−z), the slope of σ. */
    static double density(double z) {
        return StableMath.sigmoid(z) * StableMath.sigmoid(-z);
    }

    /**
     * The label-smoothed ("conservative", Mitchell 2023) logistic loss
     * −(1 − ε)·log σ(z) − ε·log σ(−z): the expected loss when a preference label is flipped with
     * probability ε.
     */
    static double smoothed(double z, double eps) {
        return (1 - eps) * nll(z) + eps * nll(-z);
    }

    /** d/dz of {@link #smoothed}. */
    static double smoothedSlope(double z, double eps) {
        return (1 - eps) * nllSlope(z) - eps * nllSlope(-z);
    }
}
