package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;

/**
 * CISPO, clipped importance-sampling-weight policy optimisation (MiniMax, "MiniMax-M1", 2025,
 * arXiv:2506.13585), in TRL's form (ScaleRL, arXiv:2510.13786):
 *
 * <pre>
 *   ℓ = −stopgrad(min(w, ε_max)) · A · log π_θ
 * </pre>
 * Instead of dropping the gradient of clipped tokens as PPO does, CISPO keeps every token's
 * REINFORCE gradient and only bounds its importance weight, so rare high-ratio tokens still learn.
 * ε_max is TRL's {@code epsilon_high}. Its default here is 5.0, the value TRL's documentation
 * recommends for CISPO; TRL itself would fall back to {@code epsilon} = 0.2, which caps even
 * on-policy weights at 0.2.
 *
 * <p>Metric: {@code cispo_clip_ratio}, the fraction with w &gt; ε_max and A &gt; 0 (TRL's).
 */
public final class Cispo extends PolicyGradientLoss {

    /** The ε_max that TRL's documentation recommends for CISPO. */
    public static final double DEFAULT_EPSILON_MAX = 5.0;

    private final double epsilonMax;

    public Cispo(LossAggregation aggregation, boolean sequenceLevel, double beta, double epsilonMax) {
        super("cispo", aggregation, sequenceLevel, beta);
        if (!(epsilonMax > 0) || Double.isInfinite(epsilonMax)) {
            throw new IllegalArgumentException("objective 'cispo': 'epsilon_high' (the weight cap ε_max) must be a"
                    + " finite number > 0, got " + epsilonMax);
        }
        this.epsilonMax = epsilonMax;
    }

    /** Reads {@code epsilon_high}, {@code beta}, {@code importance_sampling_level}, {@code aggregation} (token-mean). */
    static Cispo fromConfig(ObjectiveConfig cfg) {
        double cap = cfg.positive("epsilon_high", DEFAULT_EPSILON_MAX);
        double beta = readBeta(cfg);
        boolean sequence = readSequenceLevel(cfg);
        return new Cispo(LossAggregation.read(cfg, LossAggregation.Mode.TOKEN_MEAN), sequence, beta, cap);
    }

    public double epsilonMax() {
        return epsilonMax;
    }

    @Override
    protected void surrogate(double w, double a, double logp, double[] out) {
        double weight = Math.min(w, epsilonMax);
        out[0] = -weight * a * logp;
        out[1] = 0; // the weight is detached
        out[2] = -weight * a;
    }

    @Override
    protected void clipMetrics(Tokens tokens, ObjectiveResult.Builder result) {
        result.metric("cispo_clip_ratio", tokens.fraction((w, a) -> w > epsilonMax && a > 0));
    }
}
