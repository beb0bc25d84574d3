package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Robust DPO (Chowdhury, Kini and Natarajan 2024, "Provably Robust DPO: Aligning Language Models
 * with Noisy Feedback", arXiv:2403.00409) — TRL's {@code robust}: an unbiased estimate of the DPO
 * loss when each label is flipped with probability ε,
 *
 * <pre>  ℓ = ((1 − ε)·(−log σ(β·d)) − ε·(−log σ(−β·d))) / (1 − 2ε),   d = u_w − u_l</pre>
 *
 * <p>Unlike conservative DPO, the flipped term enters with a minus sign, so ℓ is unbounded below
 * as d → +∞ (slope → −βε/(1 − 2ε)).
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code label_smoothing} ε in [0, 0.5) (0.0),
 * {@code f_divergence_type} (reverse_kl).
 */
public final class RobustDpo extends MarginObjective {

    private final double flipRate;

    public RobustDpo(ObjectiveConfig cfg) {
        super(cfg, false);
        this.flipRate = cfg.range("label_smoothing", 0.0, 0.0, false, 0.5, true);
    }

    @Override
    double loss(double margin) {
        double z = beta * margin;
        return ((1 - flipRate) * LogisticLoss.nll(z) - flipRate * LogisticLoss.nll(-z)) / (1 - 2 * flipRate);
    }

    @Override
    double slope(double margin) {
        double z = beta * margin;
        return beta * ((1 - flipRate) * LogisticLoss.nllSlope(z) + flipRate * LogisticLoss.nllSlope(-z))
                / (1 - 2 * flipRate);
    }
}
