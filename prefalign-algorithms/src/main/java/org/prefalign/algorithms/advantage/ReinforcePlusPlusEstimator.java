package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * REINFORCE++ (Hu 2025, arXiv:2501.03262): critic-free per-token returns, normalised over the
 * whole batch instead of per prompt,
 *
 * <pre>
 *   r_t = [t = last] · r − kl_coef · KL_t           (token-level KL penalty as reward shaping)
 *   G_t = Σ_{u ≥ t} γ^{u−t} r_u
 *   A_t = (G_t − mean G) / sqrt(var G + 1e-8)        (over every completion token of the batch)
 * </pre>
 * as OpenRLHF's and verl's {@code reinforce_plus_plus}. Global normalisation keeps the
 * advantage scale stable without a value head and without the per-prompt bias of group
 * normalisation. Defaults: γ = 1, {@code kl_coef} 0 (OpenRLHF's init_kl_coef is 0.01),
 * {@code kl_estimator} k1. Needs {@code mask} and {@code rewards} and/or {@code tokenRewards};
 * returns advantages and returns G, both [B, T].
 */
public final class ReinforcePlusPlusEstimator implements AdvantageEstimator {

    private final double gamma;
    private final KlPenalty kl;

    ReinforcePlusPlusEstimator(double gamma, KlPenalty kl) {
        this.gamma = gamma;
        this.kl = kl;
    }

    /** Reads {@code gamma} (1.0), {@code kl_coef} (0), {@code kl_estimator} (k1). */
    public static ReinforcePlusPlusEstimator fromConfig(ObjectiveConfig cfg) {
        double gamma = cfg.range("gamma", 1.0, 0, false, 1, false);
        return new ReinforcePlusPlusEstimator(gamma, KlPenalty.read(cfg));
    }

    @Override
    public String type() {
        return "reinforce_plus_plus";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[][] mask = in.maskMatrix(type());
        double[] outcome = in.rewards() == null ? null : in.rewardValues(type());
        double[][] g = TokenRewards.returns(TokenRewards.of(in, outcome, kl, type()), mask, gamma);
        return Advantages.perToken(TokenRewards.whiten(g, mask), g);
    }
}
