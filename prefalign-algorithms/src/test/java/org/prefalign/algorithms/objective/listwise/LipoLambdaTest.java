package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.objective.listwise.Lists.grad;
import static org.prefalign.algorithms.objective.listwise.Lists.row;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.testing.FiniteDifference;

class LipoLambdaTest {

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void handComputedThreeCompletions() {
        double beta = 0.1;
        double[] policy = {-10.0, -12.0, -9.0};
        double[] ref = {-12.0, -11.0, -13.0}; // s = β(π − ref) = (0.2, −0.1, 0.4)
        double[] psi = {1.0, 0.0, 0.5};
        // ranks by s: column 2 first (τ=1), column 0 second (τ=2), column 1 third (τ=3)
        double d01 = (2 - 1) * Math.abs(1 / log2(3) - 1 / log2(4));               // ψ0 > ψ1
        double d02 = (2 - Math.sqrt(2)) * Math.abs(1 / log2(3) - 1 / log2(2));    // ψ0 > ψ2
        double d21 = (Math.sqrt(2) - 1) * Math.abs(1 / log2(2) - 1 / log2(4));    // ψ2 > ψ1
        double expected = d01 * Math.log(1 + Math.exp(-(0.2 + 0.1)))
                + d02 * Math.log(1 + Math.exp(-(0.2 - 0.4)))
                + d21 * Math.log(1 + Math.exp(-(0.4 + 0.1)));
        ObjectiveResult r = new LipoLambda(beta).compute(Lists.of(row(policy), row(ref), row(psi), null, null));
        assertEquals(expected, r.loss(), 1e-14);
        // d/dπ_1 = β·(d01·σ(−0.3) + d21·σ(−0.5)): column 1 is the loser of both its pairs
        double g1 = beta * (d01 / (1 + Math.exp(0.3)) + d21 / (1 + Math.exp(0.5)));
        assertEquals(g1, grad(r)[1], 1e-14);
        assertEquals(2.0 / 3.0, r.metrics().get("rewards/accuracies"), 1e-15, "pair (0, 2) is mis-ordered");
    }

    @Test
    void twoCompletionsGiveLambdaWeightedDpo() {
        double beta = 0.05;
        double d = (-10 + 11) - (-12 + 11.5); // (π_w − ref_w) − (π_l − ref_l)
        double lambda = (Math.pow(2, 0.8) - Math.pow(2, 0.3)) * (1 - 1 / log2(3));
        double loss = new LipoLambda(beta).compute(Lists.of(row(-10, -12), row(-11, -11.5), row(0.8, 0.3), null, null)).loss();
        assertEquals(lambda * -Math.log(1 / (1 + Math.exp(-beta * d))), loss, 1e-15);
    }

    /**
     * The LiPO loss averaged over every order of the list that sorts s descending (each tie order
     * equally likely), with the λ weights of each order fixed at {@code s0}.
     */
    private static double averagedOverTieOrders(double[] s, double[] s0, double[] psi) {
        int n = s.length;
        double total = 0;
        int consistent = 0;
        for (int[] order : Lists.permutations(n)) {
            boolean sorted = true;
            for (int t = 1; t < n; t++) {
                sorted &= s0[order[t - 1]] >= s0[order[t]];
            }
            if (!sorted) {
                continue;
            }
            consistent++;
            int[] tau = new int[n];
            for (int t = 0; t < n; t++) {
                tau[order[t]] = t + 1;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (psi[i] > psi[j]) {
                        double delta = Math.abs(Math.pow(2, psi[i]) - Math.pow(2, psi[j]))
                                * Math.abs(1 / log2(1 + tau[i]) - 1 / log2(1 + tau[j]));
                        total += delta * Math.log(1 + Math.exp(-(s[i] - s[j])));
                    }
                }
            }
        }
        return total / consistent;
    }

    @Test
    void tiedImplicitRewardsUseTheExpectedWeightOverTieOrders() {
        double beta = 0.5;
        double[] ref = {-10, -10, -10, -10, -10};
        double[] policy = {-9.0, -10.5, -9.0, -9.0, -10.5}; // s = (0.5, −0.25, 0.5, 0.5, −0.25): two tie groups
        double[] psi = {0.9, 0.1, 0.5, 0.5, 0.0};
        LipoLambda o = new LipoLambda(beta);
        ObjectiveResult r = o.compute(Lists.of(row(policy), row(ref), row(psi), null, null));
        double[] s0 = new double[5];
        for (int i = 0; i < 5; i++) {
            s0[i] = beta * (policy[i] - ref[i]);
        }
        assertEquals(averagedOverTieOrders(s0, s0, psi), r.loss(), 1e-14);
        // the weights are detached: differentiate with them held at the tie orders of s0
        double[] numeric = FiniteDifference.gradient(x -> {
            double[] s = new double[5];
            for (int i = 0; i < 5; i++) {
                s[i] = beta * (x[i] - ref[i]);
            }
            return averagedOverTieOrders(s, s0, psi);
        }, policy, 1e-6);
        assertArrayEquals(numeric, grad(r), 1e-8);
    }

    @Test
    void theFirstStepWherePolicyEqualsReferenceHasAGradient() {
        double[] logps = {-20, -25, -18, -30};
        double[] psi = {0.2, 0.7, 0.4, 0.1};
        ObjectiveResult r = new LipoLambda(0.05).compute(Lists.of(row(logps), row(logps), row(psi), null, null));
        double[] s0 = new double[4];
        assertEquals(averagedOverTieOrders(s0, s0, psi), r.loss(), 1e-14);
        double[] g = grad(r);
        assertTrue(g[1] < 0 && g[3] > 0, "the best is pushed up, the worst down: " + java.util.Arrays.toString(g));
        // all pairs have margin 0: each pair pulls with β·Δ·σ(0), symmetric in tie orders
        double sum = 0;
        for (double v : g) {
            sum += v;
        }
        assertEquals(0.0, sum, 1e-15, "pairwise pushes cancel in total");
    }

    @Test
    void gapsOfHundredsOfNatsStayFinite() {
        double beta = 1.0;
        double lambda = (2 - 1) * (1 - 1 / log2(3));
        ObjectiveResult wrong = new LipoLambda(beta).compute(Lists.of(row(-400, 100), row(0, 0), row(1, 0), null, null));
        assertEquals(lambda * 500, wrong.loss(), 1e-9);
        assertArrayEquals(new double[] {-lambda, lambda}, grad(wrong), 1e-12);
        ObjectiveResult right = new LipoLambda(beta).compute(Lists.of(row(100, -400), row(0, 0), row(1, 0), null, null));
        assertEquals(lambda * Math.exp(-500), right.loss(), 1e-230);
    }

    @Test
    void scoresTooLargeForTheGainAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LipoLambda(0.05)
                .compute(Lists.of(new double[][] {{-1, -2}, {-1, -2}}, new double[][] {{-1, -1}, {-1, -1}},
                        new double[][] {{0, 1}, {2000, 1}}, null, null)));
        assertTrue(e.getMessage().contains("scores[1][0] = 2000.0"), e.getMessage());
    }
}
