package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.core.math.StableMath;

/**
 * The f-divergence that regularises the policy towards the reference in f-DPO (Wang, Jiang, Yang,
 * Liu and Chen 2023, "Beyond Reverse KL: Generalizing Direct Preference Optimization with Diverse
 * Divergence Constraints", arXiv:2309.16240).
 *
 * <p>With the log-ratio u = log π_θ(y|x) − log π_ref(y|x) and t = e^u, the implicit reward of a
 * completion becomes f'(t) instead of log t; constants that cancel in a chosen − rejected margin
 * are dropped, exactly as TRL's {@code f_divergence_type} does:
 * <ul>
 *   <li>{@code reverse_kl} (DPO): s(u) = u</li>
 *   <li>{@code forward_kl}: s(u) = −e^{−u}</li>
 *   <li>{@code js_divergence}: s(u) = log σ(u) (= log(2t / (t + 1)) − log 2)</li>
 *   <li>{@code alpha_divergence}: s(u) = e^{(α−1)u} / (α − 1), with the exponent clamped at 80 as
 *       TRL clamps it for float32/bfloat16 models (so s is flat, with zero slope, beyond it);
 *       |α − 1| &lt; 1e-6 is the reverse-KL limit.</li>
 * </ul>
 *
 * @param kind  which divergence
 * @param alpha TRL's {@code f_alpha_divergence_coef}; used by {@code alpha_divergence} only
 */
public record FDivergence(Kind kind, double alpha) {

    /** The f-divergences TRL names in {@code f_divergence_type}. */
    public enum Kind { REVERSE_KL, FORWARD_KL, JS_DIVERGENCE, ALPHA_DIVERGENCE }

    /** Standard DPO's reverse KL; also the plain log-ratio of the losses that TRL never re-scores. */
    public static final FDivergence REVERSE_KL = new FDivergence(Kind.REVERSE_KL, 1.0);

    /** TRL's clamp on (α − 1)·u, which keeps e^{(α−1)u} representable in float32 and bfloat16. */
    static final double ALPHA_EXPONENT_MAX = 80.0;

    /** Reads {@code f_divergence_type} (default reverse_kl) and, for alpha_divergence, {@code f_alpha_divergence_coef} (default 0.5). */
    static FDivergence from(ObjectiveConfig cfg) {
        String type = cfg.choice("f_divergence_type", "reverse_kl",
                "reverse_kl", "forward_kl", "js_divergence", "alpha_divergence");
        return switch (type) {
            case "forward_kl" -> new FDivergence(Kind.FORWARD_KL, 1.0);
            case "js_divergence" -> new FDivergence(Kind.JS_DIVERGENCE, 1.0);
            case "alpha_divergence" -> {
                double a = cfg.real("f_alpha_divergence_coef", 0.5);
                yield Math.abs(a - 1.0) < 1e-6 ? REVERSE_KL : new FDivergence(Kind.ALPHA_DIVERGENCE, a);
            }
            default -> REVERSE_KL;
        };
    }

    /** The implicit-reward score s(u) of log-ratio u. */
    public double score(double u) {
        return switch (kind) {
            case REVERSE_KL -> u;
            case FORWARD_KL -> -Math.exp(-u);
            case JS_DIVERGENCE -> StableMath.logSigmoid(u);
            case ALPHA_DIVERGENCE -> Math.exp(Math.min((alpha - 1) * u, ALPHA_EXPONENT_MAX)) / (alpha - 1);
        };
    }

    /** ds/du. */
    public double slope(double u) {
        return switch (kind) {
            case REVERSE_KL -> 1.0;
            case FORWARD_KL -> Math.exp(-u);
            case JS_DIVERGENCE -> StableMath.sigmoid(-u);
            case ALPHA_DIVERGENCE -> (alpha - 1) * u <= ALPHA_EXPONENT_MAX ? Math.exp((alpha - 1) * u) : 0.0;
        };
    }
}
