package org.prefalign.algorithms.objective.listwise;

import java.util.Arrays;
import java.util.Comparator;
import org.prefalign.algorithms.objective.LogisticLoss;

/**
 * LiPO-λ (type {@code lipo}): a λ-weighted pairwise logistic loss over every pair of differently
 * scored completions (the LambdaLoss of Wang et al. 2018 on implicit rewards).
 *
 * <pre>
 *   s_i   = β·(log π_θ(y_i|x) − log π_ref(y_i|x))
 *   ℓ     = Σ_{ψ_i &gt; ψ_j} Δ_ij · log(1 + exp(−(s_i − s_j)))
 *   Δ_ij  = |G_i − G_j| · |1/D(τ_i) − 1/D(τ_j)|,   G = 2^ψ − 1,   D(τ) = log₂(1 + τ)
 * </pre>
 * ψ are the scores (labels) and τ_i the 1-based rank of completion i when the list is sorted by
 * its current implicit rewards s, descending. Δ_ij is the change in DCG from swapping i and j;
 * it is a weight only: no gradient flows through it (it is "detached").
 *
 * <p>Liu et al. 2024, "LiPO: Listwise Preference Optimization through Learning-to-Rank"
 * (arXiv:2402.01878); Wang et al. 2018, "The LambdaLoss Framework for Ranking Metric
 * Optimization" (CIKM). Choices the paper leaves open, made here:
 * <ul>
 *   <li>Normalisation: the per-list loss is the paper's plain sum over pairs (no division by the
 *       number of pairs, no ideal-DCG normalisation as TF-Ranking's NDCG weights would apply);
 *       lists are then averaged as every objective here does.</li>
 *   <li>D uses log base 2, the DCG convention, so the top rank has 1/D = 1; another base would
 *       only rescale every Δ by a constant.</li>
 *   <li>Ties in s (every s is 0 at the first step, when π_θ = π_ref): τ is not defined, so Δ is
 *       its exact expectation over a uniformly random order of the tied completions. For i, j
 *       in different tie groups that is |mean 1/D over i's group's ranks − the same for j's|;
 *       within one group it is the mean |1/D(a) − 1/D(b)| over pairs of distinct ranks of the
 *       group. It is symmetric in tied completions and never zero, so training starts.</li>
 * </ul>
 * Scores must stay small enough for 2^ψ to be finite (the paper's labels lie in [0, 1]).
 *
 * <p>Hyper-parameter: {@code beta} β &gt; 0, default 0.05 (the paper's setting). Needs {@code ref}.
 */
public final class LipoLambda extends ImplicitRewardLoss {

    /** The registered type name. */
    public static final String TYPE = "lipo";

    private static final double LN2 = Math.log(2.0);

    public LipoLambda(double beta) {
        super(TYPE, beta);
    }

    @Override
    double loss(RankedList list, double[] s, double[] ds) {
        int n = list.size();
        double[] gain = gains(list);
        ExpectedDiscounts d = new ExpectedDiscounts(s);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (!(list.score(i) > list.score(j))) {
                    continue; // ranked order, so only equal scores fail: a tie is no preference pair
                }
                double lambda = (gain[i] - gain[j]) * d.pairWeight(i, j);
                double margin = s[i] - s[j];
                loss += lambda * LogisticLoss.nll(margin);
                double slope = lambda * LogisticLoss.nllSlope(margin);
                ds[i] += slope;
                ds[j] -= slope;
            }
        }
        return loss;
    }

    /** 2^ψ per completion: the gains G = 2^ψ − 1 up to a constant that cancels in |G_i − G_j|. */
    private static double[] gains(RankedList list) {
        double[] g = new double[list.size()];
        for (int t = 0; t < g.length; t++) {
            g[t] = Math.pow(2.0, list.score(t));
            if (Double.isInfinite(g[t])) {
                throw new IllegalArgumentException("objective '" + TYPE + "': scores[" + list.index() + "][" + list.column(t)
                        + "] = " + list.score(t) + " overflows the gain 2^score − 1; rescale the scores"
                        + " (LiPO's labels lie in [0, 1])");
            }
        }
        return g;
    }

    /** 1/D(τ) = 1/log₂(1 + τ) for a 1-based rank τ. */
    private static double inverseDiscount(int rank) {
        return LN2 / Math.log1p(rank);
    }

    /** The expected |1/D(τ_i) − 1/D(τ_j)| under uniformly random tie-breaking of s. */
    private static final class ExpectedDiscounts {
        private final int[] group;
        private final double[] mean;
        private final double[] within;

        ExpectedDiscounts(double[] s) {
            int n = s.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> s[i]).reversed());
            group = new int[n];
            mean = new double[n];
            within = new double[n];
            int groups = 0;
            for (int from = 0; from < n; groups++) {
                int to = from + 1;
                while (to < n && s[order[to]] == s[order[from]]) {
                    to++;
                }
                double sum = 0;
                double pairSum = 0;
                for (int a = from; a < to; a++) {
                    group[order[a]] = groups;
                    sum += inverseDiscount(a + 1);
                    for (int b = a + 1; b < to; b++) {
                        pairSum += inverseDiscount(a + 1) - inverseDiscount(b + 1);
                    }
                }
                int m = to - from;
                mean[groups] = sum / m;
                within[groups] = m > 1 ? pairSum / (m * (m - 1) / 2.0) : 0;
                from = to;
            }
        }

        double pairWeight(int i, int j) {
            return group[i] == group[j] ? within[group[i]] : Math.abs(mean[group[i]] - mean[group[j]]);
        }
    }
}
