package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.algorithms.objective.listwise.Lists.grad;
import static org.prefalign.algorithms.objective.listwise.Lists.row;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;

class ProTest {

    // three completions, already in score order 3 ≻ 1 ≻ 0; p = π/|y| = (−2, −1.5, −3)
    private static final double[] POLICY = {-8.0, -9.0, -15.0};
    private static final double[] TOKENS = {4, 6, 5};
    private static final double[] SCORES = {3.0, 1.0, 0.0};

    @Test
    void handComputedWithTheRewardTemperature() {
        double p1 = -2, p2 = -1.5, p3 = -3;
        // rank 1: 1/T to rank 2 is 3 − 1 = 2, to rank 3 is 3; its own 1/T is the max, 3
        double first = -Math.log(Math.exp(3 * p1) / (Math.exp(3 * p1) + Math.exp(2 * p2) + Math.exp(3 * p3)));
        // rank 2: 1/T to rank 3 is 1 − 0 = 1, its own 1
        double second = -Math.log(Math.exp(p2) / (Math.exp(p2) + Math.exp(p3)));
        double sft = 0.05 * 4 * 8.0; // sft_weight·(n − 1)²·(−log π(y_1))
        ObjectiveResult r = new Pro(0.05, true).compute(Lists.of(row(POLICY), null, row(SCORES), row(TOKENS), null));
        assertEquals(first + second + sft, r.loss(), 1e-14);
        assertEquals(8.0, r.metrics().get("nll_loss"), 0.0);
        // d/dπ_3 = (3·softmax_1(3) + 1·softmax_2(3)) / |y_3|
        double z1 = Math.exp(3 * p1) + Math.exp(2 * p2) + Math.exp(3 * p3);
        double z2 = Math.exp(p2) + Math.exp(p3);
        assertEquals((3 * Math.exp(3 * p3) / z1 + Math.exp(p3) / z2) / 5, grad(r)[2], 1e-14);
        // d/dπ_1 = (3·softmax_1(1) − 3) / |y_1| − 0.05·4
        assertEquals((3 * Math.exp(3 * p1) / z1 - 3) / 4 - 0.2, grad(r)[0], 1e-14);
    }

    @Test
    void withoutTheTemperatureItIsPlackettLuceOnMeanLogps() {
        double p1 = -2, p2 = -1.5, p3 = -3;
        double nll = -Math.log(Math.exp(p1) / (Math.exp(p1) + Math.exp(p2) + Math.exp(p3)))
                - Math.log(Math.exp(p2) / (Math.exp(p2) + Math.exp(p3)));
        ObjectiveResult r = new Pro(0.0, false).compute(Lists.of(row(POLICY), null, row(SCORES), row(TOKENS), null));
        assertEquals(nll, r.loss(), 1e-14);
        assertArrayEquals(new double[] {-2, -3}, new double[] {r.metrics().get("rewards/best"), r.metrics().get("rewards/worst")});
    }

    @Test
    void tiedScoresGetNoSharpeningBetweenThem() {
        // scores 2 = 2 ≻ 0; tokens 1 so p = π. The tied pair sees each other with weight 0 (exp(0) = 1).
        double a = -1.0, b = -2.0, c = -0.5;
        double first = Math.log(Math.exp(2 * a) + 1 + Math.exp(2 * c)) - 2 * a;
        double second = Math.log(1 + Math.exp(2 * b) + Math.exp(2 * c)) - 2 * b;
        ObjectiveResult r = new Pro(0.0, true).compute(Lists.of(row(a, b, c), null, row(2, 2, 0), row(1, 1, 1), null));
        assertEquals(first + second, r.loss(), 1e-14);
        ObjectiveResult swapped = new Pro(0.0, true).compute(Lists.of(row(b, a, c), null, row(2, 2, 0), row(1, 1, 1), null));
        assertEquals(r.loss(), swapped.loss(), 1e-15);
    }

    @Test
    void theSftTargetIsTheBestAndItsWeightGrowsWithTheListLength() {
        // a padded list of 2 present completions: coefficient 0.5·(2 − 1)² on the summed NLL of column 2
        ObjectiveResult r = new Pro(0.5, false).compute(Lists.of(row(-4, 77, -6), null, row(0, 9, 1), row(2, 0, 3),
                row(1, 0, 1)));
        double rank = -Math.log(Math.exp(-2.0) / (Math.exp(-2.0) + Math.exp(-2.0)));
        assertEquals(rank + 0.5 * 6, r.loss(), 1e-14);
        assertEquals(6.0, r.metrics().get("nll_loss"), 0.0);
    }

    @Test
    void gapsOfHundredsOfNatsStayFinite() {
        // p = (−400, 0): the better one is 400 nats per token behind, with 1/T = 1
        ObjectiveResult r = new Pro(0.0, true).compute(Lists.of(row(-400, 0), null, row(1, 0), row(1, 1), null));
        assertEquals(400.0, r.loss(), 1e-10);
        assertArrayEquals(new double[] {-1, 1}, grad(r), 1e-12);
    }
}
