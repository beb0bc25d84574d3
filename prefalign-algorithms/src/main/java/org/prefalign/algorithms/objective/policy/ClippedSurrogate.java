package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;

/**
 * PPO's clipped surrogate (Schulman et al. 2017, arXiv:1707.06347) and the variants that only
 * change its clip range, importance weight or aggregation: GRPO (Shao et al. 2024,
 * arXiv:2402.03300), DAPO's clip-higher (Yu et al. 2025, arXiv:2503.14476), Dr. GRPO (Liu et al.
 * 2025, arXiv:2503.20783), BNPO and GSPO (Zheng et al. 2025, arXiv:2507.18071).
 *
 * <pre>
 *   ℓ = −min(w̃·A, clip(w, 1 − ε_low, 1 + ε_high)·A)          w̃ = min(w, δ) with TRL's delta
 *   ℓ = −max(min(w·A, clip(w)·A), c·A)   for A &lt; 0            with dual_clip c
 * </pre>
 * w is the token ratio π_θ/π_old, or GSPO's length-normalised sequence ratio. {@code delta} is
 * INTELLECT-2's two-sided clip (arXiv:2505.07291) as TRL applies it; {@code dual_clip} is
 * dual-clip PPO (Ye et al. 2020, arXiv:1912.09729) as OpenRLHF applies it. Both cap the loss of a
 * negative-advantage token whose ratio has run away; for δ ≥ 1 + ε_high they coincide.
 *
 * <p>Metrics (TRL's names): {@code clip_ratio/low_mean} (w̃ &lt; 1 − ε_low and A &lt; 0),
 * {@code clip_ratio/high_mean} (w̃ &gt; 1 + ε_high and A &gt; 0), {@code clip_ratio/region_mean},
 * {@code clip_ratio/low_min}, {@code clip_ratio/high_max}, and with a cap
 * {@code clip_ratio/dual_mean} (A &lt; 0 and w above δ or c).
 */
public final class ClippedSurrogate extends PolicyGradientLoss {

    private final double epsilonLow;
    private final double epsilonHigh;
    private final double delta;
    private final double dualClip;

    /**
     * @param delta    TRL's cap on the unclipped ratio, or {@code NaN} for none
     * @param dualClip the dual-clip bound c &gt; 1 for negative advantages, or {@code NaN} for none
     */
    public ClippedSurrogate(String type, LossAggregation aggregation, boolean sequenceLevel, double beta,
                            double epsilonLow, double epsilonHigh, double delta, double dualClip) {
        super(type, aggregation, sequenceLevel, beta);
        if (!(epsilonLow >= 0 && epsilonLow < 1)) {
            throw new IllegalArgumentException("objective '" + type + "': 'epsilon' must be in [0, 1), got " + epsilonLow);
        }
        if (!(epsilonHigh >= 0) || Double.isInfinite(epsilonHigh)) {
            throw new IllegalArgumentException("objective '" + type + "': 'epsilon_high' must be a finite number >= 0, got "
                    + epsilonHigh);
        }
        if (!Double.isNaN(delta) && !(delta > 1)) {
            throw new IllegalArgumentException("objective '" + type + "': 'delta' must be > 1, got " + delta);
        }
        if (!Double.isNaN(dualClip) && !(dualClip > 1)) {
            throw new IllegalArgumentException("objective '" + type + "': 'dual_clip' must be > 1, got " + dualClip);
        }
        if (!Double.isNaN(delta) && !Double.isNaN(dualClip)) {
            throw new IllegalArgumentException("objective '" + type + "': set either 'delta' (TRL) or 'dual_clip'"
                    + " (dual-clip PPO), not both");
        }
        this.epsilonLow = epsilonLow;
        this.epsilonHigh = epsilonHigh;
        this.delta = delta;
        this.dualClip = dualClip;
    }

    /**
     * Builds a clipped surrogate from TRL-named parameters: {@code epsilon}, {@code epsilon_high}
     * (default: epsilon), {@code delta}, {@code dual_clip}, {@code beta},
     * {@code importance_sampling_level} (unless {@code sequenceLevel} fixes it), {@code aggregation}
     * (and {@code max_completion_length}). {@code ppo} also accepts TRL PPOTrainer's
     * {@code cliprange} for epsilon.
     *
     * @param epsilonHigh the default ε_high, or {@code NaN} for "same as epsilon"
     * @param sequenceLevel {@code null} to read {@code importance_sampling_level}
     */
    static ClippedSurrogate fromConfig(ObjectiveConfig cfg, LossAggregation.Mode aggregation, double epsilon,
                                       double epsilonHigh, Boolean sequenceLevel) {
        String epsilonName = "epsilon";
        if (cfg.type().equals("ppo") && cfg.has("cliprange")) {
            if (cfg.has("epsilon")) {
                throw cfg.error("cliprange", "given without 'epsilon' (they name the same clip range)", "both");
            }
            epsilonName = "cliprange";
        }
        double low = cfg.range(epsilonName, epsilon, 0, false, 1, true); // names cliprange when that was given
        double high = cfg.real("epsilon_high", Double.isNaN(epsilonHigh) ? low : epsilonHigh);
        double d = cfg.real("delta", Double.NaN);
        double c = cfg.real("dual_clip", Double.NaN);
        double beta = readBeta(cfg);
        boolean sequence = sequenceLevel != null ? sequenceLevel : readSequenceLevel(cfg);
        LossAggregation agg = LossAggregation.read(cfg, aggregation);
        return new ClippedSurrogate(cfg.type(), agg, sequence, beta, low, high, d, c);
    }

    public double epsilonLow() {
        return epsilonLow;
    }

    public double epsilonHigh() {
        return epsilonHigh;
    }

    @Override
    protected void surrogate(double w, double a, double logp, double[] out) {
        out[2] = 0;
        if (a == 0) {
            out[0] = 0;
            out[1] = 0;
            return;
        }
        double capped = w;
        double dCapped = 1;
        if (w > delta) { // false for NaN: no delta
            capped = delta;
            dCapped = 0;
        }
        double clipped = w;
        double dClipped = 1;
        if (w < 1 - epsilonLow) {
            clipped = 1 - epsilonLow;
            dClipped = 0;
        } else if (w > 1 + epsilonHigh) {
            clipped = 1 + epsilonHigh;
            dClipped = 0;
        }
        // min over the two surrogates is min of the coefficients for A > 0 and max for A < 0
        boolean takeCapped = a > 0 ? capped <= clipped : capped >= clipped;
        double k = takeCapped ? capped : clipped;
        double dk = takeCapped ? dCapped : dClipped;
        if (a < 0 && k > dualClip) { // false for NaN: no dual clip
            k = dualClip;
            dk = 0;
        }
        out[0] = -a * k;
        out[1] = -a * dk;
    }

    @Override
    protected void clipMetrics(Tokens tokens, ObjectiveResult.Builder result) {
        TokenCondition low = (w, a) -> capped(w) < 1 - epsilonLow && a < 0;
        TokenCondition high = (w, a) -> capped(w) > 1 + epsilonHigh && a > 0;
        result.metric("clip_ratio/low_mean", tokens.fraction(low))
                .metric("clip_ratio/high_mean", tokens.fraction(high))
                .metric("clip_ratio/region_mean", tokens.fraction((w, a) -> low.test(w, a) || high.test(w, a)))
                .metric("clip_ratio/low_min", tokens.sequenceExtreme(low, false))
                .metric("clip_ratio/high_max", tokens.sequenceExtreme(high, true));
        double cap = Double.isNaN(dualClip) ? delta : dualClip;
        if (!Double.isNaN(cap)) {
            result.metric("clip_ratio/dual_mean", tokens.fraction((w, a) -> a < 0 && w > cap));
        }
    }

    private double capped(double w) {
        return w > delta ? delta : w;
    }
}
