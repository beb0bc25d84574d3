package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.core.math.StableMath;

/**
 * Anchored Preference Optimization, APO-zero (D'Oosterlinck, Xu, Develder, Demeester, Singh, Potts,
 * Kiela and Mehri 2024, "Anchored Preference Optimization and Contrastive Revisions: Addressing
 * Underspecification in Alignment", arXiv:2408.06266, Eq. 7) — TRL's {@code apo_zero}: raise the
 * chosen and lower the rejected likelihood, each anchored at the reference (for winners better
 * than the model's own outputs):
 *
 * <pre>  ℓ = (1 − σ(β·u_w)) + σ(β·u_l),   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>TRL applies no f-divergence to it. Hyper-parameters: {@code beta} &gt; 0 (0.1).
 */
public final class ApoZero extends LogRatioObjective {

    public ApoZero(ObjectiveConfig cfg) {
        super(cfg, FDivergence.REVERSE_KL);
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            double zw = beta * r.chosen()[i];
            double zl = beta * r.rejected()[i];
            double loss = StableMath.sigmoid(-zw) + StableMath.sigmoid(zl);
            out.set(i, loss, -beta * LogisticLoss.density(zw), beta * LogisticLoss.density(zl));
        }
        return out;
    }
}
