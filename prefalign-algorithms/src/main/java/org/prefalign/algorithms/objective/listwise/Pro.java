package org.prefalign.algorithms.objective.listwise;

import java.util.OptionalDouble;

/**
 * PRO, Preference Ranking Optimization (type {@code pro}): a reference-free Plackett-Luce loss on
 * length-normalised log-probs, sharpened by score differences, plus SFT on the best completion.
 *
 * <pre>
 *   p_k    = log π_θ(y_k|x) / |y_k|                        (y_1 ≻ … ≻ y_n sorted by score ψ)
 *   ℓ_rank = Σ_{t=1}^{n−1} −log( exp(p_t / T_t^t) / Σ_{i ≥ t} exp(p_i / T_t^i) )
 *   1/T_t^i = ψ_t − ψ_i  (i &gt; t),     1/T_t^t = max_{i &gt; t} 1/T_t^i
 *   ℓ      = ℓ_rank + sft_weight·(n − 1)²·(−log π_θ(y_1|x))
 * </pre>
 *
 * <p>Song et al. 2023, "Preference Ranking Optimization for Human Alignment" (arXiv:2306.17492):
 * L_PRO with the dynamic temperature T, and L = L_PRO + β·L_SFT. The variant implemented
 * is the authors' released training code (AlibabaResearch/DAMO-ConvAI, PRO/train): the SFT term
 * is the summed (sequence) NLL of the best-scored completion and its coefficient grows with the
 * ranking length as sft_weight·(n − 1)², with sft_weight = 0.05 in their scripts. Here n is each
 * list's own count of present completions.
 *
 * <p>With {@code reward_temperature = false} every 1/T is 1 and ℓ_rank is the plain Plackett-Luce
 * NLL of the ranking on p (the paper's "PRO w/o T" ablation). Equal scores are Breslow ties
 * ({@link PlackettLuce}): tied completions stay in each other's choice sets, where the
 * temperature gives them weight ψ_t − ψ_i = 0; the best of a tied top (the SFT target) is the
 * lowest column.
 *
 * <p>Hyper-parameters: {@code sft_weight} ≥ 0 (default 0.05), {@code reward_temperature}
 * (default true). Needs {@code tokens}; {@code ref} is ignored.
 */
public final class Pro extends ListwiseLoss {

    /** The registered type name. */
    public static final String TYPE = "pro";

    private final double sftWeight;
    private final boolean rewardTemperature;

    public Pro(double sftWeight, boolean rewardTemperature) {
        super(TYPE, false, true);
        this.sftWeight = requireNonNegative(TYPE, "sft_weight", sftWeight);
        this.rewardTemperature = rewardTemperature;
    }

    public double sftWeight() {
        return sftWeight;
    }

    public boolean rewardTemperature() {
        return rewardTemperature;
    }

    @Override
    ListLoss loss(RankedList list) {
        int n = list.size();
        double[] p = list.meanLogps();
        double[] dp = new double[n];
        double rank = PlackettLuce.negLogLikelihood(p, list, rewardTemperature ? inverseTemperatures(list) : null, dp);
        double[] grad = list.throughMeanLogps(dp);
        double coefficient = sftWeight * (n - 1) * (n - 1);
        double nll = -list.policy(0);
        grad[0] -= coefficient;
        return new ListLoss(rank + coefficient * nll, grad, p, OptionalDouble.of(nll));
    }

    /** w[t][i] = 1/T_t^i over each choice set (ranks tieStart(t) .. n−1). */
    private static double[][] inverseTemperatures(RankedList list) {
        int n = list.size();
        double[][] w = new double[n][n];
        for (int t = 0; t < n; t++) {
            double max = 0;
            for (int i = list.tieStart(t); i < n; i++) {
                w[t][i] = list.score(t) - list.score(i);
                max = Math.max(max, w[t][i]);
            }
            w[t][t] = max;
        }
        return w;
    }
}
