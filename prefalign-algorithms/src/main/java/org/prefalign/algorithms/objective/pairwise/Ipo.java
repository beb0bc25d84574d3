package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Identity Preference Optimisation (Azar, Rowland, Piot, Guo, Calandriello, Valko and Munos 2023,
 * "A General Theoretical Paradigm to Understand Learning from Human Preferences",
 * arXiv:2310.12036, Eq. 17) — TRL's {@code ipo}:
 *
 * <pre>  ℓ = (u_w/|y_w| − u_l/|y_l| − 1/(2β))²,   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>β is the paper's regularisation τ. The log-ratios are per token, as TRL computes them (the
 * IPO authors confirmed the paper's results use this normalisation), so the token counts are
 * required. Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type} (reverse_kl).
 */
public final class Ipo extends MarginObjective {

    public Ipo(ObjectiveConfig cfg) {
        super(cfg, true);
    }

    @Override
    double loss(double margin) {
        double gap = margin - 1 / (2 * beta);
        return gap * gap;
    }

    @Override
    double slope(double margin) {
        return 2 * (margin - 1 / (2 * beta));
    }
}
