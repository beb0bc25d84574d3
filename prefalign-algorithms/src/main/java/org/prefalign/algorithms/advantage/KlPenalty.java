package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.core.math.KlEstimator;

/**
 * The KL penalty folded into per-token rewards: r_t −= kl_coef · KL_t(π_old ‖ π_ref), as TRL's
 * PPO, OpenRLHF's REINFORCE++ and verl shape rewards. {@code kl_estimator} is k1 by default (TRL
 * PPO, OpenRLHF); see {@link KlEstimator}.
 *
 * @param coef      kl_coef ≥ 0; 0 disables the penalty (no log-probs needed)
 * @param estimator the per-token estimator
 */
record KlPenalty(double coef, KlEstimator estimator) {

    /** Reads {@code kl_coef} (0) and {@code kl_estimator} (k1). */
    static KlPenalty read(ObjectiveConfig cfg) {
        double coef = cfg.nonNegative("kl_coef", 0.0);
        KlEstimator est = KlEstimator.of(cfg.choice("kl_estimator", "k1", "k1", "k2", "k3"));
        return new KlPenalty(coef, est);
    }
}
