package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.algorithms.objective.listwise.Lists.grad;
import static org.prefalign.algorithms.objective.listwise.Lists.row;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;

class RrhfTest {

    @Test
    void handComputedFourCompletions() {
        // p = π/|y| = (−2, −1, −3, −1.5); scores rank column 1 ≻ 0 ≻ 3 ≻ 2
        double[] policy = {-8, -5, -6, -3};
        double[] tokens = {4, 5, 2, 2};
        double[] scores = {0.5, 0.9, 0.1, 0.3};
        // mis-ordered pairs (worse has the higher p): (0 ≻ 3): −1.5 > −2 by 0.5; (1 ≻ 3): −1.5 < −1 fine;
        // (0 ≻ 2), (1 ≻ 2), (3 ≻ 2): fine; (1 ≻ 0): fine
        double rank = 0.5;
        double sft = 1.0; // −p of the best, column 1
        ObjectiveResult r = new Rrhf(2.0).compute(Lists.of(row(policy), null, row(scores), row(tokens), null));
        assertEquals(rank + 2.0 * sft, r.loss(), 1e-15);
        // d/dπ_0 = −1/4 (the better of the violated pair), d/dπ_3 = +1/2, d/dπ_1 = −2/5 (SFT)
        assertArrayEquals(new double[] {-0.25, -0.4, 0, 0.5}, grad(r), 1e-15);
        assertEquals(1.0, r.metrics().get("nll_loss"), 0.0);
        assertEquals(5.0 / 6.0, r.metrics().get("rewards/accuracies"), 1e-15);
    }

    @Test
    void tiedScoresFormNoPairAndTheBestOfATiedTopIsTheLowestColumn() {
        // columns 0 and 1 tie at the top; column 1 has the higher p but a tie is no preference
        ObjectiveResult r = new Rrhf(1.0).compute(Lists.of(row(-6, -2, -9), null, row(1, 1, 0), row(3, 2, 3), null));
        // p = (−2, −1, −3): no violated pair; SFT on column 0: −p_0 = 2
        assertEquals(2.0, r.loss(), 1e-15);
        assertArrayEquals(new double[] {-1.0 / 3, 0, 0}, grad(r), 1e-15);
    }

    @Test
    void everyViolatedPairCountsAndTheRankTermIsASum() {
        // reversed list of 4 by 1 nat per token per step: pairs violate by 1, 2, 3, 1, 2, 1
        ObjectiveResult r = new Rrhf(0.0).compute(Lists.of(row(-4, -3, -2, -1), null, row(4, 3, 2, 1), row(1, 1, 1, 1), null));
        assertEquals(10.0, r.loss(), 0.0);
        assertArrayEquals(new double[] {-3, -1, 1, 3}, grad(r), 0.0);
        assertEquals(0.0, r.metrics().get("rewards/accuracies"), 0.0);
    }

    @Test
    void gapsOfHundredsOfNatsStayExact() {
        ObjectiveResult r = new Rrhf(1.0).compute(Lists.of(row(-900, 0), null, row(1, 0), row(3, 1), null));
        assertEquals(300 + 300, r.loss(), 0.0);
    }
}
