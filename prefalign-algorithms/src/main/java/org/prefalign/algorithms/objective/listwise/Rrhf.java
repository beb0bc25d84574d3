package org.prefalign.algorithms.objective.listwise;

import java.util.OptionalDouble;

/**
 * RRHF, Rank Responses to align language models with Human Feedback (type {@code rrhf}): a hinge
 * on every mis-ordered pair of length-normalised log-probs, plus SFT on the best completion.
 *
 * <pre>
 *   p_k    = log π_θ(y_k|x) / |y_k|
 *   ℓ_rank = Σ_{ψ_i &lt; ψ_j} max(0, p_i − p_j)
 *   ℓ      = ℓ_rank + sft_weight·(−log π_θ(y_best|x) / |y_best|)
 * </pre>
 *
 * <p>Yuan et al. 2023, "RRHF: Rank Responses to Align Language Models with Human Feedback
 * without tears" (arXiv:2304.05302): L = L_rank + L_ft. Choices made here:
 * <ul>
 *   <li>The SFT term is the token-mean NLL of the best completion, within its list — the
 *       cross-entropy the authors' code ({@code GanjinZero/RRHF}, train.py) takes over one list
 *       per device — so it is on the same per-token scale as p. Lists are then averaged, and
 *       gradient accumulation stays exact with the step's list count alone.</li>
 *   <li>The ranking term is the paper's plain sum over pairs, not a mean.</li>
 *   <li>Equal scores form no pair; the best of a tied top is the lowest column ({@code
 *       torch.argmax}'s choice). At p_i = p_j exactly the hinge's gradient is taken as 0.</li>
 * </ul>
 *
 * <p>Hyper-parameter: {@code sft_weight} ≥ 0, default 1 (the paper's sum; the code's
 * {@code rrhf_weight} w on ℓ_rank corresponds to sft_weight = 1/w with the loss scaled by w).
 * Needs {@code tokens}; {@code ref} is ignored.
 */
public final class Rrhf extends ListwiseLoss {

    /** The registered type name. */
    public static final String TYPE = "rrhf";

    private final double sftWeight;

    public Rrhf(double sftWeight) {
        super(TYPE, false, true);
        this.sftWeight = requireNonNegative(TYPE, "sft_weight", sftWeight);
    }

    public double sftWeight() {
        return sftWeight;
    }

    @Override
    ListLoss loss(RankedList list) {
        int n = list.size();
        double[] p = list.meanLogps();
        double[] dp = new double[n];
        double rank = 0;
        for (int better = 0; better < n; better++) {
            for (int worse = better + 1; worse < n; worse++) {
                if (list.score(better) > list.score(worse) && p[worse] > p[better]) {
                    rank += p[worse] - p[better];
                    dp[worse] += 1;
                    dp[better] -= 1;
                }
            }
        }
        double nll = -p[0];
        dp[0] -= sftWeight;
        return new ListLoss(rank + sftWeight * nll, list.throughMeanLogps(dp), p, OptionalDouble.of(nll));
    }
}
