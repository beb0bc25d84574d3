package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Direct Preference Optimization (Rafailov, Sharma, Mitchell, Ermon, Manning and Finn 2023,
 * "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
 * arXiv:2305.18290) — TRL's {@code sigmoid}:
 *
 * <pre>  ℓ = −(1 − ε)·log σ(β·d) − ε·log σ(−β·d),   d = log(π_θ(y_w)/π_ref(y_w)) − log(π_θ(y_l)/π_ref(y_l))</pre>
 *
 * <p>With {@code label_smoothing} ε &gt; 0 this is conservative DPO (Mitchell 2023, "A note on DPO
 * with noisy preferences and relationship to IPO"), as OpenRLHF and TRL before its DPO refactor
 * compute it; ε = 0 (the default) is plain DPO. With an {@code f_divergence_type} other than
 * reverse_kl, d is the margin of f-divergence scores (f-DPO, {@link FDivergence}).
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code label_smoothing} in [0, 0.5) (0.0),
 * {@code f_divergence_type} (reverse_kl), {@code f_alpha_divergence_coef} (0.5).
 */
public final class Dpo extends MarginObjective {

    private final double labelSmoothing;

    public Dpo(ObjectiveConfig cfg) {
        super(cfg, false);
        this.labelSmoothing = cfg.range("label_smoothing", 0.0, 0.0, false, 0.5, true);
    }

    @Override
    double loss(double margin) {
        return LogisticLoss.smoothed(beta * margin, labelSmoothing);
    }

    @Override
    double slope(double margin) {
        return beta * LogisticLoss.smoothedSlope(beta * margin, labelSmoothing);
    }
}
