package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.testing.Pairs;

class SimPoTest {

    @Test
    void oneWorkedPair() {
        // avg_w = −6/3 = −2, avg_l = −12/4 = −3, z = 2·(−2 + 3) − 0.5 = 1.5
        Pairs p = Pairs.referenceFree(new double[] {-6}, new double[] {-12}, new double[] {3}, new double[] {4});
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"simpo\", \"beta\": 2, \"simpo_gamma\": 0.5}")
                .compute(p.logps());
        assertEquals(0.20141327798275246, r.loss(), 1e-15); // log(1 + e^−1.5)
        assertEquals(-0.12161701587090423, r.grad("policyChosen").getDouble(0), 1e-15); // −σ(−1.5)·β/3
        assertEquals(0.09121276190317817, r.grad("policyRejected").getDouble(0), 1e-15); // σ(−1.5)·β/4
        assertEquals(-4.0, r.metrics().get("rewards/chosen"), 1e-15); // β·avg_w
        assertEquals(1.0, r.metrics().get("rewards/accuracies"));
        assertFalse(r.metrics().containsKey("nll_loss"), "pure SimPO has no NLL term");
    }

    @Test
    void smoothedLossWithCpoNllMatchesANaiveFormula() {
        double beta = 2.5;
        double gamma = 1.2;
        double eps = 0.15;
        double alpha = 0.7;
        Pairs p = Pairs.randomReferenceFree(21, 8);
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"simpo\", \"beta\": 2.5, \"simpo_gamma\": 1.2, "
                + "\"label_smoothing\": 0.15, \"cpo_alpha\": 0.7}").compute(p.logps());
        int n = p.size();
        double nll = 0;
        for (int i = 0; i < n; i++) {
            nll -= p.policyChosen()[i];
        }
        nll /= p.chosenTokenSum();
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double z = beta * (p.policyChosen()[i] / p.chosenTokens()[i]
                    - p.policyRejected()[i] / p.rejectedTokens()[i]) - gamma;
            double expected = (1 - eps) * Math.log(1 + Math.exp(-z)) + eps * Math.log(1 + Math.exp(z));
            mean += expected / n;
            assertEquals(expected + alpha * nll, r.perExample().getDouble(i), 1e-12);
            double dz = -(1 - eps) / (1 + Math.exp(z)) + eps / (1 + Math.exp(-z));
            assertEquals(dz * beta / p.chosenTokens()[i] / n - alpha / p.chosenTokenSum(),
                    r.grad("policyChosen").getDouble(i), 1e-12);
            assertEquals(-dz * beta / p.rejectedTokens()[i] / n, r.grad("policyRejected").getDouble(i), 1e-12);
        }
        assertEquals(mean + alpha * nll, r.loss(), 1e-12);
        assertEquals(nll, r.metrics().get("nll_loss"), 1e-12);
    }

    @Test
    void hugeMarginsStayFinite() {
        Pairs p = Pairs.referenceFree(new double[] {-1, -2000}, new double[] {-2000, -1}, new double[] {1, 1},
                new double[] {1, 1});
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"simpo\", \"beta\": 10}").compute(p.logps());
        assertEquals(0.0, r.perExample().getDouble(0), 0.0);
        assertEquals(10 * 1999 + 0.5, r.perExample().getDouble(1), 1e-9);
        assertEquals(-10 / 2.0, r.grad("policyChosen").getDouble(1), 1e-12);
        assertTrue(Double.isFinite(r.loss()));
    }

    @Test
    void needsTokenCounts() {
        PairwiseLogps noTokens = PairwiseLogps.referenceFree(Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-2.0), null, null);
        String m = message(() -> Objectives.pairwise("{\"type\": \"simpo\"}").compute(noTokens));
        assertTrue(m.contains("simpo") && m.contains("chosenTokens"), m);
    }
}
