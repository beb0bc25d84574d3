package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * DPO on per-token log-ratios — TRL's {@code sigmoid_norm}, the length normalisation that SimPO
 * (Meng, Xia and Chen 2024, "SimPO: Simple Preference Optimization with a Reference-Free Reward",
 * arXiv:2405.14734) argues removes DPO's length bias, kept here with the reference model:
 *
 * <pre>  ℓ = −log σ(β·(u_w/|y_w| − u_l/|y_l|)),   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>Needs the completion token counts. Hyper-parameters: {@code beta} &gt; 0 (0.1),
 * {@code f_divergence_type} (reverse_kl; the scores s(u) are what is divided by |y|).
 */
public final class LengthNormalizedDpo extends MarginObjective {

    public LengthNormalizedDpo(ObjectiveConfig cfg) {
        super(cfg, true);
    }

    @Override
    double loss(double margin) {
        return LogisticLoss.nll(beta * margin);
    }

    @Override
    double slope(double margin) {
        return beta * LogisticLoss.nllSlope(beta * margin);
    }
}
