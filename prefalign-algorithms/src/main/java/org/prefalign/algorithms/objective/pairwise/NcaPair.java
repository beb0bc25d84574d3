package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * Noise Contrastive Alignment, pairwise (Chen, Zheng, Liu, Li, Wang, Zhu and Su 2024, "Noise
 * Contrastive Alignment of Language Models with Explicit Rewards", arXiv:2402.05369) — TRL's
 * {@code nca_pair}: each completion's own implicit reward r = β·u is classified against noise, so
 * the chosen likelihood is pushed up in absolute terms rather than only relative to the rejected:
 *
 * <pre>  ℓ = −log σ(r_w) − ½·log σ(−r_w) − ½·log σ(−r_l),   r = β·u,   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type} (reverse_kl; r = β·s(u)).
 */
public final class NcaPair extends LogRatioObjective {

    public NcaPair(ObjectiveConfig cfg) {
        super(cfg, FDivergence.from(cfg));
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            double rw = beta * r.chosenScore()[i];
            double rl = beta * r.rejectedScore()[i];
            double loss = LogisticLoss.nll(rw) + 0.5 * LogisticLoss.nll(-rw) + 0.5 * LogisticLoss.nll(-rl);
            double dw = LogisticLoss.nllSlope(rw) - 0.5 * LogisticLoss.nllSlope(-rw);
            double dl = -0.5 * LogisticLoss.nllSlope(-rl);
            out.set(i, loss, beta * dw * r.chosenScoreSlope()[i], beta * dl * r.rejectedScoreSlope()[i]);
        }
        return out;
    }
}
