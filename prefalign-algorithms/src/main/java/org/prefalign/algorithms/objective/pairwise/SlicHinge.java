package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * The calibration hinge loss of SLiC (Zhao, Joshi, Liu, Khalman, Saleh and Liu 2023, "SLiC-HF:
 * Sequence Likelihood Calibration with Human Feedback", arXiv:2305.10425) on DPO's log-ratio
 * margin, as RSO (Liu et al. 2023, arXiv:2309.06657) uses it — TRL's {@code hinge}:
 *
 * <pre>  ℓ = max(0, 1 − β·d),   d = u_w − u_l,   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>1/β is the margin the log-ratio gap must clear. At the kink β·d = 1 the subgradient 0 is used
 * (as PyTorch's relu does). Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type}
 * (reverse_kl).
 */
public final class SlicHinge extends MarginObjective {

    public SlicHinge(ObjectiveConfig cfg) {
        super(cfg, false);
    }

    @Override
    double loss(double margin) {
        return Math.max(0.0, 1 - beta * margin);
    }

    @Override
    double slope(double margin) {
        return 1 - beta * margin > 0 ? -beta : 0.0;
    }
}
