package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertClose;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.testing.FiniteDifference;
import org.prefalign.algorithms.testing.Pairs;

class OrpoTest {

    private static final PairwiseObjective ORPO = Objectives.pairwise("{\"type\": \"orpo\", \"beta\": 0.25}");

    @Test
    void matchesTheOddsWrittenWithProbabilities() {
        double beta = 0.25;
        Pairs p = Pairs.randomReferenceFree(41, 9);
        ObjectiveResult r = ORPO.compute(p.logps());
        int n = p.size();
        double nll = 0;
        for (double c : p.policyChosen()) {
            nll -= c;
        }
        nll /= p.chosenTokenSum();
        double loss = nll;
        double ratioMean = 0;
        for (int i = 0; i < n; i++) {
            double pw = Math.exp(p.policyChosen()[i] / p.chosenTokens()[i]);
            double pl = Math.exp(p.policyRejected()[i] / p.rejectedTokens()[i]);
            double logOddsRatio = Math.log(pw / (1 - pw)) - Math.log(pl / (1 - pl));
            double sigmoid = 1 / (1 + Math.exp(-logOddsRatio));
            double term = -beta * Math.log(sigmoid);
            loss += term / n;
            ratioMean += Math.log(sigmoid) / n;
            // every pair carries the batch NLL: TRL's loss is NLL − mean(β·log σ)
            assertEquals(nll + term, r.perExample().getDouble(i), 1e-12);
            // d log odds(p)/d log p = 1/(1 − p)
            assertEquals(-beta * (1 - sigmoid) / (1 - pw) / p.chosenTokens()[i] / n - 1 / p.chosenTokenSum(),
                    r.grad("policyChosen").getDouble(i), 1e-12);
            assertEquals(beta * (1 - sigmoid) / (1 - pl) / p.rejectedTokens()[i] / n,
                    r.grad("policyRejected").getDouble(i), 1e-12);
        }
        assertEquals(loss, r.loss(), 1e-12);
        assertEquals(nll, r.metrics().get("nll_loss"), 1e-12);
        assertEquals(ratioMean, r.metrics().get("log_odds_ratio"), 1e-12);
        assertTrue(r.metrics().containsKey("log_odds_chosen"));
    }

    @Test
    void aChosenCompletionOfProbabilityOneTakesTheLimit() {
        // a = 0: log odds +∞, the odds term 0, d/da its finite limit 1/(e^{−b} − 1)
        Pairs atZero = Pairs.referenceFree(new double[] {0.0}, new double[] {-10}, new double[] {5}, new double[] {5});
        Pairs near = Pairs.referenceFree(new double[] {-1e-9}, new double[] {-10}, new double[] {5}, new double[] {5});
        ObjectiveResult r0 = ORPO.compute(atZero.logps());
        ObjectiveResult r1 = ORPO.compute(near.logps());
        assertEquals(0.0, r0.loss(), 0.0);
        assertEquals(-0.25 / Math.expm1(2) / 5 - 1.0 / 5, r0.grad("policyChosen").getDouble(0), 1e-15);
        assertEquals(0.0, r0.grad("policyRejected").getDouble(0), 0.0);
        assertClose("continuity at a = 0", Pairs.policyGradient(r1), Pairs.policyGradient(r0), 1e-8);
        assertEquals(r1.loss(), r0.loss(), 1e-9);
    }

    @Test
    void veryUnlikelyCompletionsStayFinite() {
        Pairs p = Pairs.referenceFree(new double[] {-800, -3}, new double[] {-3, -900}, new double[] {2, 3},
                new double[] {3, 1});
        ObjectiveResult r = ORPO.compute(p.logps());
        // pair 0: a = −400, b = −1, L = −400 − (−1 − log(1 − e^−1)), and −β·log σ(L) = −β·L to double precision
        assertTrue(Double.isFinite(r.loss()));
        assertEquals(0.25 * (400 - 1 - Math.log(-Math.expm1(-1))) + (800 + 3) / 5.0, r.perExample().getDouble(0), 1e-9);
        FiniteDifference.check("orpo at extreme log-probs", x -> ORPO.compute(p.withPolicy(x).logps()).loss(),
                p.policy(), Pairs.policyGradient(r), 1e-8);
    }

    @Test
    void logProbabilitiesAboveZeroOrARejectedProbabilityOfOneAreRejected() {
        Pairs positive = Pairs.referenceFree(new double[] {0.5}, new double[] {-1}, new double[] {1}, new double[] {1});
        String m = message(() -> ORPO.compute(positive.logps()));
        assertTrue(m.contains("policyChosen[0]") && m.contains("<= 0"), m);
        Pairs certain = Pairs.referenceFree(new double[] {-1}, new double[] {0}, new double[] {1}, new double[] {1});
        m = message(() -> ORPO.compute(certain.logps()));
        assertTrue(m.contains("policyRejected[0]") && m.contains("< 0") && m.contains("infinite odds"), m);
    }
}
