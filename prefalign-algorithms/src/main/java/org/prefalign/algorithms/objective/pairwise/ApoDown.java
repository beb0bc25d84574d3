package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.core.math.StableMath;

/**
 * Anchored Preference Optimization, APO-down (D'Oosterlinck, Xu, Develder, Demeester, Singh, Potts,
 * Kiela and Mehri 2024, "Anchored Preference Optimization and Contrastive Revisions: Addressing
 * Underspecification in Alignment", arXiv:2408.06266, Eq. 8) — TRL's {@code apo_down}: lower both
 * likelihoods, the rejected one more (for winners worse than the model's own outputs):
 *
 * <pre>  ℓ = σ(β·u_w) + (1 − σ(β·(s(u_w) − s(u_l)))),   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>As in TRL, only the margin term uses the f-divergence scores s (the identity by default).
 * Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type} (reverse_kl).
 */
public final class ApoDown extends LogRatioObjective {

    public ApoDown(ObjectiveConfig cfg) {
        super(cfg, FDivergence.from(cfg));
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            double zw = beta * r.chosen()[i];
            double zm = beta * (r.chosenScore()[i] - r.rejectedScore()[i]);
            double loss = StableMath.sigmoid(zw) + StableMath.sigmoid(-zm);
            double marginSlope = -beta * LogisticLoss.density(zm);
            out.set(i, loss,
                    beta * LogisticLoss.density(zw) + marginSlope * r.chosenScoreSlope()[i],
                    -marginSlope * r.rejectedScoreSlope()[i]);
        }
        return out;
    }
}
