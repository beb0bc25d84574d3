package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.objective.listwise.Lists.grad;
import static org.prefalign.algorithms.objective.listwise.Lists.row;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ListwiseLogps;
import org.prefalign.algorithms.objective.ObjectiveResult;

class PlackettLuceDpoTest {

    /** The unnormalised Plackett-Luce weight of ranking {@code order}: Π_t w_(t) / Σ_{i ≥ t} w_(i). */
    private static double plWeight(double[] w, int[] order) {
        double p = 1;
        for (int t = 0; t < order.length; t++) {
            double rest = 0;
            for (int i = t; i < order.length; i++) {
                rest += w[order[i]];
            }
            p *= w[order[t]] / rest;
        }
        return p;
    }

    @Test
    void lossIsMinusLogOfTheRankingsProbabilityAmongAllPermutations() {
        double beta = 0.5;
        double[] policy = {-11.0, -9.5, -14.0, -10.25};
        double[] ref = {-10.0, -11.0, -13.0, -10.0};
        double[] scores = {0.4, 0.9, 0.1, 0.6}; // ranking: column 1 ≻ 3 ≻ 0 ≻ 2
        for (int k = 3; k <= 4; k++) {
            double[] p = java.util.Arrays.copyOf(policy, k);
            double[] r = java.util.Arrays.copyOf(ref, k);
            double[] s = java.util.Arrays.copyOf(scores, k);
            double[] w = new double[k];
            for (int i = 0; i < k; i++) {
                w[i] = Math.exp(beta * (p[i] - r[i]));
            }
            double z = 0;
            for (int[] order : Lists.permutations(k)) {
                z += plWeight(w, order);
            }
            assertEquals(1.0, z, 1e-12,
                    "Plackett-Luce is a distribution over the " + Lists.permutations(k).size() + " rankings");
            int[] sorted = k == 3 ? new int[] {1, 0, 2} : new int[] {1, 3, 0, 2};
            double expected = -Math.log(plWeight(w, sorted) / z);
            double loss = new PlackettLuceDpo(beta).compute(Lists.of(row(p), row(r), row(s), null, null)).loss();
            assertEquals(expected, loss, 1e-12, "K = " + k);
        }
    }

    @Test
    void twoCompletionsGiveDpo() {
        double beta = 0.1;
        double pw = -12.0, pl = -15.0, rw = -13.0, rl = -14.0;
        double d = (pw - rw) - (pl - rl);
        double dpo = Math.log(1 + Math.exp(-beta * d));
        double sig = 1 / (1 + Math.exp(-beta * d));
        ObjectiveResult r = new PlackettLuceDpo(beta).compute(Lists.of(row(pl, pw), row(rl, rw), row(0, 1), null, null));
        assertEquals(dpo, r.loss(), 1e-14);
        // d/dπ_w = −β(1 − σ(βd)), d/dπ_l = +β(1 − σ(βd)); column 0 is the rejected one
        assertArrayEquals(new double[] {beta * (1 - sig), -beta * (1 - sig)}, grad(r), 1e-14);
        assertEquals(beta * d, r.metrics().get("rewards/margins"), 1e-14);
        assertEquals(1.0, r.metrics().get("rewards/accuracies"));
    }

    @Test
    void tiedScoresAreBreslowTiesIndependentOfColumnOrder() {
        double beta = 1.0;
        double[] x = {0.3, -0.2, 0.7}; // implicit rewards, ref = 0
        double[] scores = {1, 1, 0};    // columns 0 and 1 tie at the top
        // Breslow: each tied completion chooses among everything scored no higher, the other one included
        double lseAll = Math.log(Math.exp(0.3) + Math.exp(-0.2) + Math.exp(0.7));
        double expected = (lseAll - 0.3) + (lseAll + 0.2);
        PlackettLuceDpo o = new PlackettLuceDpo(beta);
        ObjectiveResult r = o.compute(Lists.of(row(x), row(0, 0, 0), row(scores), null, null));
        assertEquals(expected, r.loss(), 1e-14);
        double[] softmax = {Math.exp(0.3 - lseAll), Math.exp(-0.2 - lseAll), Math.exp(0.7 - lseAll)};
        assertArrayEquals(new double[] {2 * softmax[0] - 1, 2 * softmax[1] - 1, 2 * softmax[2]}, grad(r), 1e-14);
        ObjectiveResult swapped = o.compute(Lists.of(row(-0.2, 0.3, 0.7), row(0, 0, 0), row(scores), null, null));
        assertEquals(r.loss(), swapped.loss(), 0.0);
        assertArrayEquals(new double[] {grad(r)[1], grad(r)[0], grad(r)[2]}, grad(swapped), 0.0);
    }

    @Test
    void aTieAtTheBottomStillCompares() {
        // scores 1 ≻ {0, 0}: the bottom pair is tied, so both stay in each other's choice set
        double[] x = {0.5, -1.0, 2.0};
        double lse3 = Math.log(Math.exp(0.5) + Math.exp(-1.0) + Math.exp(2.0));
        double lse2 = Math.log(Math.exp(-1.0) + Math.exp(2.0));
        double expected = (lse3 - 0.5) + (lse2 + 1.0) + (lse2 - 2.0);
        double loss = new PlackettLuceDpo(1.0).compute(Lists.of(row(x), row(0, 0, 0), row(1, 0, 0), null, null)).loss();
        assertEquals(expected, loss, 1e-14);
    }

    @Test
    void gapsOfHundredsOfNatsStayFiniteAndExact() {
        PlackettLuceDpo o = new PlackettLuceDpo(1.0);
        // right order by 300 nats per step: −log P = log(1 + e^−300 + e^−600) + log(1 + e^−300) ≈ 2e^−300
        ObjectiveResult right = o.compute(Lists.of(row(300, 0, -300), row(0, 0, 0), row(3, 2, 1), null, null));
        assertEquals(2 * Math.exp(-300), right.loss(), 1e-100);
        assertTrue(right.loss() >= 0);
        // the reverse: 600 + 300 nats, gradient (−1, −1, 2) up to e^−300
        ObjectiveResult wrong = o.compute(Lists.of(row(-300, 0, 300), row(0, 0, 0), row(3, 2, 1), null, null));
        assertEquals(900.0, wrong.loss(), 1e-10);
        assertArrayEquals(new double[] {-1, -1, 2}, grad(wrong), 1e-12);
        assertEquals(0.0, wrong.metrics().get("rewards/accuracies"));
        // and DPO's extreme: −log σ(−500) = 500
        ObjectiveResult dpo = o.compute(Lists.of(row(-250, 250), row(0, 0), row(1, 0), null, null));
        assertEquals(500.0, dpo.loss(), 1e-10);
    }

    @Test
    void listsOfDifferentLengthsAverage() {
        PlackettLuceDpo o = new PlackettLuceDpo(0.2);
        ListwiseLogps padded = Lists.of(new double[][] {{-3, -5, -4}, {-6, -2, 99}}, new double[][] {{-3, -3, -3}, {-4, -4, 99}},
                new double[][] {{2, 1, 0}, {0, 1, 99}}, null, new double[][] {{1, 1, 1}, {1, 1, 0}});
        double a = o.compute(Lists.of(row(-3, -5, -4), row(-3, -3, -3), row(2, 1, 0), null, null)).loss();
        double b = o.compute(Lists.of(row(-6, -2), row(-4, -4), row(0, 1), null, null)).loss();
        assertEquals((a + b) / 2, o.compute(padded).loss(), 1e-14);
    }
}
