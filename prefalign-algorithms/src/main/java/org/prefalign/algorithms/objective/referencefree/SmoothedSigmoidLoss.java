package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.core.math.StableMath;

/**
 * The logistic preference loss with label smoothing ε ("conservative" DPO, Mitchell 2023, "A note
 * on DPO with noisy preferences and relationship to IPO"), as TRL's CPO trainer applies it to
 * {@code sigmoid} (CPO) and {@code simpo}:
 *
 * <pre>  ℓ(z) = −(1 − ε)·log σ(z) − ε·log σ(−z),   dℓ/dz = −(1 − ε)·σ(−z) + ε·σ(z)</pre>
 *
 * <p>ε is the assumed probability that a preference label is flipped; ε = 0 is the plain
 * Bradley-Terry loss −log σ(z). Both forms stay finite for any finite z.
 *
 * @param labelSmoothing ε in [0, 0.5)
 */
record SmoothedSigmoidLoss(double labelSmoothing) {

    /** ℓ(z). */
    double value(double z) {
        double v = -StableMath.logSigmoid(z);
        // skipping the ε-term when ε = 0 keeps −log σ(z) exactly 0 where σ(z) rounds to 1
        return labelSmoothing == 0 ? v : (1 - labelSmoothing) * v - labelSmoothing * StableMath.logSigmoid(-z);
    }

    /** dℓ/dz. */
    double slope(double z) {
        return -(1 - labelSmoothing) * StableMath.sigmoid(-z) + labelSmoothing * StableMath.sigmoid(z);
    }
}
