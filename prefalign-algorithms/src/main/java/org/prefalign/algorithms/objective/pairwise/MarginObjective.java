package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * A loss ℓ(m) of each pair's score margin m = s(u_w) − s(u_l) alone, where u = log π_θ − log π_ref
 * and s is the f-divergence score (the identity for DPO) — or, for length-normalised variants,
 * of m = s(u_w)/|y_w| − s(u_l)/|y_l|. Reads TRL's {@code f_divergence_type}.
 *
 * <p>The chain rule is done here once: d ℓ / d log π_θ(y_w) = ℓ'(m)·s'(u_w)/|y_w|^{[per token]}.
 */
abstract class MarginObjective extends LogRatioObjective {

    private final boolean perToken;

    /** @param perToken whether each completion's score is divided by its token count */
    MarginObjective(ObjectiveConfig cfg, boolean perToken) {
        super(cfg, FDivergence.from(cfg));
        this.perToken = perToken;
    }

    /** ℓ(m). */
    abstract double loss(double margin);

    /** dℓ/dm. */
    abstract double slope(double margin);

    @Override
    final boolean requiresTokens() {
        return perToken;
    }

    @Override
    final PairLosses losses(LogRatios r, StepNormalizer step) {
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            double wc = perToken ? 1.0 / r.chosenTokens()[i] : 1.0;
            double wr = perToken ? 1.0 / r.rejectedTokens()[i] : 1.0;
            double m = r.chosenScore()[i] * wc - r.rejectedScore()[i] * wr;
            double g = slope(m);
            out.set(i, loss(m), g * wc * r.chosenScoreSlope()[i], -g * wr * r.rejectedScoreSlope()[i]);
        }
        return out;
    }
}
