package org.prefalign.data.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.text;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.signal.RankingToPairs.Counts;
import org.prefalign.data.signal.RankingToPairs.Selection;
import org.prefalign.data.signal.RankingToPairs.Ties;

class RankingToPairsTest {

    private static final Content P = text("p");
    private static final Content A = text("A");
    private static final Content B = text("B");
    private static final Content C = text("C");
    private static final Content D = text("D");
    // Scores A=3, B=1, C=3, D=2: best-first order A, C (tie with A, later in the file), D, B.
    private static final Ranking R = Ranking.ofScores(P, List.of(A, B, C, D), List.of(3.0, 1.0, 3.0, 2.0));

    private static PreferencePair pair(Content chosen, Content rejected) {
        return new PreferencePair(P, chosen, rejected);
    }

    @Test
    void allPairsSkippingTies() {
        RankingToPairs conv = RankingToPairs.of(Selection.ALL_PAIRS);
        assertEquals(List.of(pair(A, D), pair(A, B), pair(C, D), pair(C, B), pair(D, B)), conv.pairs(R));
        assertEquals(new Counts(1, 5, 1, 0), conv.counts());
    }

    @Test
    void allPairsKeepingTiesWithMargins() {
        RankingToPairs conv = new RankingToPairs(Selection.ALL_PAIRS, 0, Ties.KEEP, true);
        assertEquals(List.of(
                new PreferencePair(P, A, C, OptionalDouble.of(0), true),
                PreferencePair.withMargin(P, A, D, 1), PreferencePair.withMargin(P, A, B, 2),
                PreferencePair.withMargin(P, C, D, 1), PreferencePair.withMargin(P, C, B, 2),
                PreferencePair.withMargin(P, D, B, 1)), conv.pairs(R));
        assertEquals(new Counts(1, 6, 0, 0), conv.counts());
    }

    @Test
    void minimumMarginDropsCloseCalls() {
        RankingToPairs conv = new RankingToPairs(Selection.ALL_PAIRS, 1.5, Ties.SKIP, false);
        assertEquals(List.of(pair(A, B), pair(C, B)), conv.pairs(R));
        assertEquals(new Counts(1, 2, 1, 3), conv.counts());
    }

    @Test
    void bestVsRestAndBestVsWorst() {
        assertEquals(List.of(PreferencePair.tie(P, A, C), pair(A, D), pair(A, B)),
                new RankingToPairs(Selection.BEST_VS_REST, 0, Ties.KEEP, false).pairs(R));
        assertEquals(List.of(pair(A, B)), RankingToPairs.of(Selection.BEST_VS_WORST).pairs(R));
        RankingToPairs skip = RankingToPairs.of(Selection.BEST_VS_WORST);
        assertEquals(List.of(), skip.pairs(Ranking.ofScores(P, List.of(A, B), List.of(2.0, 2.0))));
        assertEquals(new Counts(1, 0, 1, 0), skip.counts());
    }

    @Test
    void ranksUseTheRankDifferenceAsTheGap() {
        Ranking ranks = Ranking.ofRanks(P, List.of(A, B, C), List.of(2, 1, 3));
        assertEquals(List.of(PreferencePair.withMargin(P, B, C, 2)),
                new RankingToPairs(Selection.BEST_VS_WORST, 0, Ties.SKIP, true).pairs(ranks));
    }

    @Test
    void allPairsOfDistinctScoresAreEveryOrderedPairOnce() {
        // Independent check: n distinct scores give n(n-1)/2 pairs, each chosen scored above its rejected.
        double[] scores = {0.3, -1.0, 2.5, 0.0, 7.0, 1.25};
        List<Content> cs = new java.util.ArrayList<>();
        List<Double> vs = new java.util.ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            cs.add(text("c" + i));
            vs.add(scores[i]);
        }
        List<PreferencePair> pairs = RankingToPairs.of(Selection.ALL_PAIRS).pairs(Ranking.ofScores(P, cs, vs));
        assertEquals(15, pairs.size());
        Set<String> seen = new HashSet<>();
        for (PreferencePair p : pairs) {
            int c = Integer.parseInt(p.chosen().asText().substring(1));
            int r = Integer.parseInt(p.rejected().asText().substring(1));
            assertTrue(scores[c] > scores[r], p.toString());
            assertTrue(seen.add(Math.min(c, r) + "-" + Math.max(c, r)), "pair repeated: " + p);
        }
    }

    @Test
    void lazyOverManyRankingsAndValidated() {
        RankingToPairs conv = RankingToPairs.of(Selection.BEST_VS_WORST);
        var it = conv.pairs(List.of(R, R, Ranking.ofScores(P, List.of(A, B), List.of(1.0, 1.0)), R).iterator());
        int n = 0;
        while (it.hasNext()) {
            assertEquals(pair(A, B), it.next());
            n++;
        }
        assertEquals(3, n);
        assertEquals(new Counts(4, 3, 1, 0), conv.counts());
        assertEquals("minMargin must be finite and >= 0, got -1.0", assertThrows(IllegalArgumentException.class,
                () -> new RankingToPairs(Selection.ALL_PAIRS, -1, Ties.SKIP, false)).getMessage());
    }
}
