package org.prefalign.algorithms.objective.listwise;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ListwiseLogps;

/**
 * One prompt's present completions, ordered best first by their feedback scores.
 *
 * <p>Padding (mask 0) is dropped here, so no loss ever sees it. The order is a stable sort by
 * score, descending: completions with equal scores keep their column order, which makes "the
 * best" of a tied top the lowest column (as {@code torch.argmax} picks it). Objectives that
 * must not depend on that order among ties read {@link #tieStart(int)}.
 */
final class RankedList {

    private final int index;
    private final int[] column;
    private final double[] policy;
    private final double[] ref;
    private final double[] score;
    private final double[] tokens;
    private final int[] tieStart;

    private RankedList(int index, int[] column, double[] policy, double[] ref, double[] score, double[] tokens) {
        this.index = index;
        this.column = column;
        this.policy = policy;
        this.ref = ref;
        this.score = score;
        this.tokens = tokens;
        this.tieStart = new int[column.length];
        for (int t = 1; t < column.length; t++) {
            tieStart[t] = score[t] == score[t - 1] ? tieStart[t - 1] : t;
        }
    }

    /** Every list of {@code in}, in batch order. */
    static RankedList[] of(ListwiseLogps in) {
        int b = in.batchSize();
        int k = in.listSize();
        double[] policy = Inputs.values(in.policy());
        double[] ref = in.hasReference() ? Inputs.values(in.ref()) : null;
        double[] score = Inputs.values(in.scores());
        double[] tokens = in.hasTokens() ? Inputs.values(in.tokens()) : null;
        double[] mask = in.mask() == null ? null : Inputs.values(in.mask());
        RankedList[] lists = new RankedList[b];
        for (int i = 0; i < b; i++) {
            int row = i * k;
            List<Integer> present = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (mask == null || mask[row + j] == 1) {
                    present.add(j);
                }
            }
            present.sort(Comparator.comparingDouble((Integer j) -> score[row + j]).reversed());
            int n = present.size();
            int[] col = new int[n];
            for (int t = 0; t < n; t++) {
                col[t] = present.get(t);
            }
            lists[i] = new RankedList(i, col, pick(policy, row, col), ref == null ? null : pick(ref, row, col),
                    pick(score, row, col), tokens == null ? null : pick(tokens, row, col));
        }
        return lists;
    }

    private static double[] pick(double[] flat, int row, int[] col) {
        double[] out = new double[col.length];
        for (int t = 0; t < col.length; t++) {
            out[t] = flat[row + col[t]];
        }
        return out;
    }

    /** The list's index b in the batch. */
    int index() {
        return index;
    }

    /** The number of present completions n (at least 2). */
    int size() {
        return column.length;
    }

    /** The column k (in the padded [B, K] inputs) of the completion ranked {@code t}-th. */
    int column(int t) {
        return column[t];
    }

    /** log π_θ of the completion ranked {@code t}-th. */
    double policy(int t) {
        return policy[t];
    }

    /** Its feedback score. */
    double score(int t) {
        return score[t];
    }

    /**
     * The first rank with the same score as rank {@code t}: ranks {@code tieStart(t) .. n-1} are
     * the completions scored no higher than {@code t}, its tied peers included.
     */
    int tieStart(int t) {
        return tieStart[t];
    }

    /** The implicit rewards β·(log π_θ − log π_ref), in rank order. */
    double[] implicitRewards(double beta) {
        double[] r = new double[policy.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = beta * (policy[t] - ref[t]);
        }
        return r;
    }

    /** The length-normalised log-probs p = log π_θ / |y|, in rank order. */
    double[] meanLogps() {
        double[] p = new double[policy.length];
        for (int t = 0; t < p.length; t++) {
            p[t] = policy[t] / tokens[t];
        }
        return p;
    }

    /** d/d log π_θ of a gradient {@code dp} with respect to {@link #meanLogps()}: dp_t / |y_t|. */
    double[] throughMeanLogps(double[] dp) {
        double[] g = new double[dp.length];
        for (int t = 0; t < g.length; t++) {
            g[t] = dp[t] / tokens[t];
        }
        return g;
    }
}
