package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * REINFORCE++-baseline (Hu 2025, arXiv:2501.03262): the group mean
 * reward as baseline, then REINFORCE++'s batch-wide normalisation,
 *
 * <pre>
 *   r'_i = r_i − mean_{g(i)} r
 *   r_t  = [t = last] · r'_i − kl_coef · KL_t ;   G_t = Σ_{u ≥ t} r_u   (γ = 1)
 *   A_t  = (G_t − mean G) / sqrt(var G + 1e-8)      (over every completion token of the batch)
 * </pre>
 * as OpenRLHF's {@code reinforce_baseline} and verl's {@code reinforce_plus_plus_baseline}.
 * Subtracting the group mean removes per-prompt reward offsets; dividing by the batch std instead
 * of the group std avoids GRPO's blow-up on groups of nearly equal rewards. A group of one gets
 * r' = 0. Per-token rewards, if any, are added unbaselined. Needs {@code rewards}, {@code groups}
 * and {@code mask}; returns advantages and returns G, both [B, T].
 */
public final class ReinforceBaselineEstimator implements AdvantageEstimator {

    private final KlPenalty kl;

    ReinforceBaselineEstimator(KlPenalty kl) {
        this.kl = kl;
    }

    /** Reads {@code kl_coef} (0) and {@code kl_estimator} (k1). */
    public static ReinforceBaselineEstimator fromConfig(ObjectiveConfig cfg) {
        return new ReinforceBaselineEstimator(KlPenalty.read(cfg));
    }

    @Override
    public String type() {
        return "reinforce_baseline";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[] centred = Groups.centred(in.rewardValues(type()), in.groupIds(type()));
        double[][] mask = in.maskMatrix(type());
        double[][] g = TokenRewards.returns(TokenRewards.of(in, centred, kl, type()), mask, 1.0);
        return Advantages.perToken(TokenRewards.whiten(g, mask), g);
    }
}
