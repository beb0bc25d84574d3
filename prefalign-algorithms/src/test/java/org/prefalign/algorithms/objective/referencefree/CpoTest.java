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

class CpoTest {

    @Test
    void defaultsAreTrlsAndTheLossMatchesANaiveFormula() {
        // TRL CPOConfig: beta 0.1, cpo_alpha 1.0, label_smoothing 0; summed log-probs
        Pairs p = Pairs.randomReferenceFree(31, 10);
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"cpo\"}").compute(p.logps());
        checkAgainstNaive(p, r, 0.1, 0.0, 1.0);
    }

    @Test
    void smoothedWithAnotherAlphaMatchesANaiveFormula() {
        Pairs p = Pairs.randomReferenceFree(32, 10);
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"cpo\", \"beta\": 0.05, \"label_smoothing\": 0.2, "
                + "\"cpo_alpha\": 2.5}").compute(p.logps());
        checkAgainstNaive(p, r, 0.05, 0.2, 2.5);
    }

    /** mean((1 − ε)·log(1 + e^{−βΔ}) + ε·log(1 + e^{βΔ})) + α·Σ(−log π(y_w))/Σ|y_w|, Δ on summed log-probs. */
    private static void checkAgainstNaive(Pairs p, ObjectiveResult r, double beta, double eps, double alpha) {
        int n = p.size();
        double nll = 0;
        for (double c : p.policyChosen()) {
            nll -= c;
        }
        nll /= p.chosenTokenSum();
        double loss = alpha * nll;
        for (int i = 0; i < n; i++) {
            double bd = beta * (p.policyChosen()[i] - p.policyRejected()[i]);
            loss += ((1 - eps) * Math.log(1 + Math.exp(-bd)) + eps * Math.log(1 + Math.exp(bd))) / n;
            double slope = beta * (eps / (1 + Math.exp(-bd)) - (1 - eps) / (1 + Math.exp(bd)));
            assertEquals(slope / n - alpha / p.chosenTokenSum(), r.grad("policyChosen").getDouble(i), 1e-13);
            assertEquals(-slope / n, r.grad("policyRejected").getDouble(i), 1e-13);
        }
        assertEquals(loss, r.loss(), 1e-12);
        assertEquals(nll, r.metrics().get("nll_loss"), 1e-12);
        double chosen = 0;
        for (double c : p.policyChosen()) {
            chosen += c;
        }
        assertEquals(beta * chosen / n, r.metrics().get("rewards/chosen"), 1e-12); // β · summed log-prob
    }

    @Test
    void withoutNllTokenCountsAreOptional() {
        PairwiseLogps noTokens = PairwiseLogps.referenceFree(Nd4j.createFromArray(-10.0, -3.0),
                Nd4j.createFromArray(-12.0, -1.0), null, null);
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"cpo\", \"cpo_alpha\": 0}").compute(noTokens);
        double expected = (Math.log(1 + Math.exp(-0.2)) + Math.log(1 + Math.exp(0.2))) / 2;
        assertEquals(expected, r.loss(), 1e-14);
        assertFalse(r.metrics().containsKey("nll_loss"));
        String m = message(() -> Objectives.pairwise("{\"type\": \"cpo\"}").compute(noTokens));
        assertTrue(m.contains("cpo") && m.contains("chosenTokens") && m.contains("token mean"), m);
    }

    @Test
    void summedMarginsOfThousandsOfNatsStayFinite() {
        PairwiseLogps in = PairwiseLogps.referenceFree(Nd4j.createFromArray(-5000.0, -1.0), Nd4j.createFromArray(-1.0, -5000.0),
                Nd4j.createFromArray(100.0, 1.0), Nd4j.createFromArray(1.0, 100.0));
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"cpo\", \"beta\": 1, \"cpo_alpha\": 0}").compute(in);
        assertEquals(4999.0, r.perExample().getDouble(0), 1e-9);
        assertEquals(0.0, r.perExample().getDouble(1), 0.0);
        assertEquals(-0.5, r.grad("policyChosen").getDouble(0), 1e-15);
        assertEquals(0.0, r.grad("policyChosen").getDouble(1), 0.0);
    }
}
