package org.prefalign.data.signal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalDouble;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;

/**
 * Turns a ranking (scores or ranks of several completions) into preference pairs, as
 * UltraFeedback-binarized (Tunstall et al. 2023, Zephyr, arXiv:2310.16944: best vs a random other)
 * and its variants do, but deterministically.
 *
 * <p>Completions are taken best first ({@link Ranking#order()}: ties keep file order), and the
 * {@link Selection} picks the candidate pairs (i better than or equal to j). For each, the score
 * gap d = score(i) − score(j) ≥ 0 (for ranks: the rank difference):
 * <ul>
 *   <li>d = 0 is a tie: dropped, or kept as a {@link PreferencePair#tie} ({@link Ties});</li>
 *   <li>0 &lt; d &lt; {@code minMargin}: dropped as too close to call;</li>
 *   <li>otherwise a pair (i chosen, j rejected), with margin d when {@code recordMargin}.</li>
 * </ul>
 * Pairs come out in candidate order: by chosen's position, then rejected's. Dropped candidates
 * are counted ({@link #counts()}). Not thread-safe (the counts).
 */
public final class RankingToPairs {

    /** Which pairs of a ranking become preference pairs. */
    public enum Selection {
        /** Every pair (i, j) with i before j in best-first order: n(n−1)/2 pairs. */
        ALL_PAIRS,
        /** The best against the worst: one pair. */
        BEST_VS_WORST,
        /** The best against each other completion: n−1 pairs. */
        BEST_VS_REST
    }

    /** What happens to candidate pairs with equal scores. */
    public enum Ties {
        /** Drop them (counted). */
        SKIP,
        /** Keep them as pairs marked {@code tie}. */
        KEEP
    }

    /**
     * What a conversion produced and dropped.
     *
     * @param inputs      rankings converted
     * @param pairs       pairs produced (ties kept included)
     * @param tiesSkipped candidates dropped as ties
     * @param belowMargin candidates dropped because their gap was under the minimum margin
     */
    public record Counts(long inputs, long pairs, long tiesSkipped, long belowMargin) {
    }

    private final Selection selection;
    private final double minMargin;
    private final Ties ties;
    private final boolean recordMargin;
    private long inputs;
    private long pairs;
    private long tiesSkipped;
    private long belowMargin;

    /**
     * @param selection    which candidate pairs
     * @param minMargin    smallest score gap kept for a strict pair; finite, ≥ 0
     * @param ties         drop or keep pairs of equal scores
     * @param recordMargin whether pairs carry their score gap as {@link PreferencePair#margin()}
     */
    public RankingToPairs(Selection selection, double minMargin, Ties ties, boolean recordMargin) {
        this.selection = Objects.requireNonNull(selection, "selection");
        this.ties = Objects.requireNonNull(ties, "ties");
        if (!Double.isFinite(minMargin) || minMargin < 0) {
            throw new IllegalArgumentException("minMargin must be finite and >= 0, got " + minMargin);
        }
        this.minMargin = minMargin;
        this.recordMargin = recordMargin;
    }

    /** {@code selection} with no minimum margin, ties dropped, no margin recorded. */
    public static RankingToPairs of(Selection selection) {
        return new RankingToPairs(selection, 0, Ties.SKIP, false);
    }

    /** The pairs of one ranking. */
    public List<PreferencePair> pairs(Ranking r) {
        inputs++;
        int[] order = r.order();
        int n = order.length;
        List<PreferencePair> out = new ArrayList<>();
        switch (selection) {
            case ALL_PAIRS -> {
                for (int a = 0; a < n; a++) {
                    for (int b = a + 1; b < n; b++) {
                        add(out, r, order[a], order[b]);
                    }
                }
            }
            case BEST_VS_REST -> {
                for (int b = 1; b < n; b++) {
                    add(out, r, order[0], order[b]);
                }
            }
            case BEST_VS_WORST -> add(out, r, order[0], order[n - 1]);
            default -> throw new IllegalStateException(selection.name());
        }
        pairs += out.size();
        return out;
    }

    /** The pairs of every ranking, lazily, in input order. */
    public Iterator<PreferencePair> pairs(Iterator<Ranking> rankings) {
        return new Iterator<>() {
            private Iterator<PreferencePair> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && rankings.hasNext()) {
                    current = pairs(rankings.next()).iterator();
                }
                return current.hasNext();
            }

            @Override
            public PreferencePair next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** Counts since this converter was made. */
    public Counts counts() {
        return new Counts(inputs, pairs, tiesSkipped, belowMargin);
    }

    private void add(List<PreferencePair> out, Ranking r, int better, int worse) {
        double gap = r.score(better) - r.score(worse);
        Content prompt = r.prompt();
        Content chosen = r.completions().get(better);
        Content rejected = r.completions().get(worse);
        OptionalDouble margin = recordMargin ? OptionalDouble.of(gap) : OptionalDouble.empty();
        if (gap == 0) {
            if (ties == Ties.KEEP) {
                out.add(new PreferencePair(prompt, chosen, rejected, margin, true));
            } else {
                tiesSkipped++;
            }
        } else if (gap < minMargin) {
            belowMargin++;
        } else {
            out.add(new PreferencePair(prompt, chosen, rejected, margin, false));
        }
    }
}
