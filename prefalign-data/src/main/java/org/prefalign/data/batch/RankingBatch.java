package org.prefalign.data.batch;

import java.util.List;
import org.prefalign.data.record.Ranking;

/**
 * Tokenized rankings: list b's K_b completions are consecutive rows, in the ranking's order.
 * Lists are padded to K = the longest list for listwise objectives: {@link #row} is −1 and
 * {@link #mask()} false where list b has no completion k.
 *
 * @param lists     the rankings
 * @param sequences Σ_b K_b rows
 */
public record RankingBatch(List<Ranking> lists, SequenceBatch sequences) {

    public RankingBatch {
        lists = List.copyOf(lists);
        int rows = lists.stream().mapToInt(Ranking::size).sum();
        if (sequences.rows() != rows) {
            throw new IllegalArgumentException(lists.size() + " rankings with " + rows + " completions need as many rows, got "
                    + sequences.rows());
        }
    }

    /** Number of lists B. */
    public int size() {
        return lists.size();
    }

    /** The longest list's length K. */
    public int width() {
        return lists.stream().mapToInt(Ranking::size).max().orElse(0);
    }

    /** The row of completion k of list b, or −1 when the list is shorter. */
    public int row(int b, int k) {
        if (k >= lists.get(b).size()) {
            return -1;
        }
        int r = 0;
        for (int i = 0; i < b; i++) {
            r += lists.get(i).size();
        }
        return r + k;
    }

    /** Scores [B, K] on a higher-is-better scale ({@link Ranking#score}: a rank r reads −r), 0 at padding. */
    public double[][] scores() {
        double[][] s = new double[size()][width()];
        for (int b = 0; b < size(); b++) {
            for (int k = 0; k < lists.get(b).size(); k++) {
                s[b][k] = lists.get(b).score(k);
            }
        }
        return s;
    }

    /** [B, K]: true where list b has completion k. */
    public boolean[][] mask() {
        boolean[][] m = new boolean[size()][width()];
        for (int b = 0; b < size(); b++) {
            for (int k = 0; k < lists.get(b).size(); k++) {
                m[b][k] = true;
            }
        }
        return m;
    }
}
