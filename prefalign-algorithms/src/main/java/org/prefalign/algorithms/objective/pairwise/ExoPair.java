package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.core.math.StableMath;

/**
 * Efficient Exact Optimization, pairwise (Ji, Chen, Liu, Chen, Yang, Ren and Huang 2024, "Towards
 * Efficient Exact Optimization of Language Model Alignment", arXiv:2402.00856, Eq. 16) — TRL's
 * {@code exo_pair}: KL(q ‖ p) between the policy's two-way preference distribution
 * q = softmax(β·u_w, β·u_l) and the smoothed label distribution p = (1 − ε, ε),
 *
 * <pre>  ℓ = σ(z)·(log σ(z) − log(1 − ε)) + σ(−z)·(log σ(−z) − log ε),   z = β·(u_w − u_l)</pre>
 *
 * <p>Its slope is σ(z)σ(−z)·(z − log((1 − ε)/ε)), which vanishes where q = p.
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code label_smoothing} ε in (0, 1), required:
 * TRL's default 0.0 is rejected, as TRL rejects it (the paper recommends 1e-3), and
 * {@code f_divergence_type} (reverse_kl).
 */
public final class ExoPair extends MarginObjective {

    private final double logChosenTarget;
    private final double logRejectedTarget;

    public ExoPair(ObjectiveConfig cfg) {
        super(cfg, false);
        double eps = cfg.range("label_smoothing", 0.0, 0.0, true, 1.0, true);
        this.logChosenTarget = Math.log1p(-eps);
        this.logRejectedTarget = Math.log(eps);
    }

    @Override
    double loss(double margin) {
        double z = beta * margin;
        return StableMath.sigmoid(z) * (StableMath.logSigmoid(z) - logChosenTarget)
                + StableMath.sigmoid(-z) * (StableMath.logSigmoid(-z) - logRejectedTarget);
    }

    @Override
    double slope(double margin) {
        double z = beta * margin;
        return beta * LogisticLoss.density(z) * (z - logChosenTarget + logRejectedTarget);
    }
}
