package org.prefalign.feedback.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AgreementTest {

    /** Two coders from a 2×2 table of counts: {yes/yes, yes/no, no/yes, no/no}. */
    private static RatingTable twoCoders(int yy, int yn, int ny, int nn) {
        String[][] rows = new String[yy + yn + ny + nn][];
        int i = 0;
        for (int k = 0; k < yy; k++) {
            rows[i++] = new String[] {"yes", "yes"};
        }
        for (int k = 0; k < yn; k++) {
            rows[i++] = new String[] {"yes", "no"};
        }
        for (int k = 0; k < ny; k++) {
            rows[i++] = new String[] {"no", "yes"};
        }
        for (int k = 0; k < nn; k++) {
            rows[i++] = new String[] {"no", "no"};
        }
        return RatingTable.of(rows);
    }

    @Test
    void cohensKappaOfTheTextbookTable() {
        // Wikipedia "Cohen's kappa": 50 proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
        // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
        RatingTable t = twoCoders(20, 5, 10, 15);
        assertEquals(0.4, Agreement.cohensKappa(t, "0", "1"), 1e-12);
        assertEquals(0.7, Agreement.percentAgreement(t), 1e-12);
        // Cohen's second example: 45/15/25/15 gives p_o = 0.6, p_e = 0.54, κ = 0.1304.
        assertEquals((0.60 - 0.54) / (1 - 0.54), Agreement.cohensKappa(twoCoders(45, 15, 25, 15), "0", "1"), 1e-12);
    }

    @Test
    void fleissKappaOfTheTextbookTable() {
        // Fleiss (1971) as tabulated on Wikipedia: 10 subjects, 14 raters, 5 categories; κ = 0.210.
        int[][] counts = {{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
                {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
        String[][] rows = new String[10][14];
        for (int u = 0; u < 10; u++) {
            int r = 0;
            for (int k = 0; k < 5; k++) {
                for (int j = 0; j < counts[u][k]; j++) {
                    rows[u][r++] = "c" + (k + 1);
                }
            }
        }
        assertEquals(0.210, Agreement.fleissKappa(RatingTable.of(rows)), 5e-4);
    }

    @Test
    void krippendorffsAlphaOfTheTextbookTableWithMissingRatings() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example:
        // 4 observers, 12 units, missing values; α = 0.743.
        String[] a = {"1", "2", "3", "3", "2", "1", "4", "1", "2", null, null, null};
        String[] b = {"1", "2", "3", "3", "2", "2", "4", "1", "2", "5", null, "3"};
        String[] c = {null, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", null};
        String[] d = {"1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", null};
        String[][] rows = new String[12][];
        for (int u = 0; u < 12; u++) {
            rows[u] = new String[] {a[u], b[u], c[u], d[u]};
        }
        assertEquals(0.743, Agreement.krippendorffAlpha(RatingTable.of(rows)), 5e-4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Agreement.fleissKappa(RatingTable.of(rows)));
        assertTrue(e.getMessage().contains("same number of ratings per item"), e.getMessage());
    }

    @Test
    void alphaOfTwoCodersByHandFromTheCoincidenceMatrix() {
        // The Cohen table as reliability data: n = 100 values; the 15 disagreeing units give
        // o_yes,no = o_no,yes = 15; n_yes = 2·20 + 5 + 10 = 55, n_no = 45; α = 1 − 99 · 30 / (2 · 55 · 45).
        assertEquals(1 - 99.0 * 30 / (2 * 55 * 45), Agreement.krippendorffAlpha(twoCoders(20, 5, 10, 15)), 1e-12);
    }

    @Test
    void percentAgreementCountsAgreeingPairsOfRatings() {
        // Unit 0: a a b → pairs (aa, ab, ab): 1 agreeing of 3; unit 1: b b → 1 of 1; unit 2: a → no pair.
        RatingTable t = RatingTable.of(new String[][] {{"a", "a", "b"}, {"b", "b", null}, {"a", null, null}});
        assertEquals(2.0 / 4, Agreement.percentAgreement(t), 1e-12);
    }

    @Test
    void undefinedStatisticsAreErrorsNotNaN() {
        RatingTable same = RatingTable.of(new String[][] {{"a", "a"}, {"a", "a"}});
        assertThrows(IllegalArgumentException.class, () -> Agreement.cohensKappa(same, "0", "1"));
        assertThrows(IllegalArgumentException.class, () -> Agreement.fleissKappa(same));
        assertThrows(IllegalArgumentException.class, () -> Agreement.krippendorffAlpha(same));
        RatingTable disjoint = RatingTable.of(new String[][] {{"a", null}, {null, "b"}});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Agreement.cohensKappa(disjoint, "0", "1"))
                .getMessage().contains("rated no item in common"));
        assertThrows(IllegalArgumentException.class, () -> Agreement.percentAgreement(disjoint));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Agreement.cohensKappa(disjoint, "0", "7"))
                .getMessage().contains("no annotator '7'"));
    }
}
