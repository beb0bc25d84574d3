package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.core.math.StableMath;

/**
 * DiscoPOP, the log-ratio modulated loss discovered by an LLM (Chris Lu, Holt, Fanconi, Chan,
 * Foerster, van der Schaar and Lange 2024, "Discovering Preference Optimization Algorithms with
 * and for Large Language Models", arXiv:2406.08414, Eq. 5) — TRL's {@code discopop}: a blend of
 * the logistic and the exponential loss, weighted by σ(z/τ),
 *
 * <pre>  ℓ = (1 − σ(z/τ))·(−log σ(z)) + σ(z/τ)·e^{−z},   z = β·(u_w − u_l)</pre>
 *
 * <p>The exponential term is evaluated as e^{−z + log σ(z/τ)}, which stays finite where e^{−z}
 * alone overflows (z ≪ 0, where its weight underflows first).
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code discopop_tau} &gt; 0 (0.05),
 * {@code f_divergence_type} (reverse_kl).
 */
public final class DiscoPop extends MarginObjective {

    private final double tau;

    public DiscoPop(ObjectiveConfig cfg) {
        super(cfg, false);
        this.tau = cfg.positive("discopop_tau", 0.05);
    }

    @Override
    double loss(double margin) {
        double z = beta * margin;
        return StableMath.sigmoid(-z / tau) * LogisticLoss.nll(z) + exponentialTerm(z);
    }

    @Override
    double slope(double margin) {
        double z = beta * margin;
        double mixSlope = LogisticLoss.density(z / tau) / tau;
        return beta * (StableMath.sigmoid(-z / tau) * LogisticLoss.nllSlope(z)
                - mixSlope * LogisticLoss.nll(z)
                + exponentialTerm(z) * (StableMath.sigmoid(-z / tau) / tau - 1));
    }

    /** σ(z/τ)·e^{−z}. */
    private double exponentialTerm(double z) {
        return Math.exp(-z + StableMath.logSigmoid(z / tau));
    }
}
