package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * Self-Play Preference Optimization with hard labels (Wu, Sun, Yuan, Ji, Yang and Gu 2024,
 * "Self-Play Preference Optimization for Language Model Alignment", arXiv:2405.00675, Eq. 4.7 with
 * P = 1 for the winner and 0 for the loser) — TRL's {@code sppo_hard}: the log-ratios are regressed
 * onto ±1/(2β),
 *
 * <pre>  ℓ = (u_w − 1/(2β))² + (u_l + 1/(2β))²,   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type} (reverse_kl; u → s(u)).
 */
public final class SppoHard extends LogRatioObjective {

    public SppoHard(ObjectiveConfig cfg) {
        super(cfg, FDivergence.from(cfg));
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        PairLosses out = new PairLosses(r.size());
        double target = 0.5 / beta;
        for (int i = 0; i < r.size(); i++) {
            double winnerError = r.chosenScore()[i] - target;
            double loserError = r.rejectedScore()[i] + target;
            out.set(i, winnerError * winnerError + loserError * loserError,
                    2 * winnerError * r.chosenScoreSlope()[i], 2 * loserError * r.rejectedScoreSlope()[i]);
        }
        return out;
    }
}
