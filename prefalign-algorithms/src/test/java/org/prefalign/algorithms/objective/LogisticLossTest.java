package org.prefalign.algorithms.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prefalign.algorithms.testing.FiniteDifference;

/** The logistic loss against the naive formulas where those are accurate, and at extreme logits. */
class LogisticLossTest {

    private static double naiveSigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void matchesTheNaiveFormulasAtModerateLogits() {
        for (double z : new double[] {-7.5, -1, -0.25, 0, 0.3, 2, 9}) {
            double nll = -Math.log(naiveSigmoid(z));
            assertEquals(nll, LogisticLoss.nll(z), 1e-14 * Math.max(1, nll), "nll at " + z);
            assertEquals(-naiveSigmoid(-z), LogisticLoss.nllSlope(z), 1e-15, "nllSlope at " + z);
            assertEquals(naiveSigmoid(z) * (1 - naiveSigmoid(z)), LogisticLoss.density(z), 1e-15, "density at " + z);
            for (double eps : new double[] {0, 0.1, 0.45}) {
                double smoothed = -(1 - eps) * Math.log(naiveSigmoid(z)) - eps * Math.log(1 - naiveSigmoid(z));
                assertEquals(smoothed, LogisticLoss.smoothed(z, eps), 1e-13 * Math.max(1, smoothed), "smoothed " + eps);
            }
        }
    }

    @Test
    void slopesAreTheDerivatives() {
        double[] z = {-3, -0.5, 0, 0.7, 4};
        double[] nll = new double[z.length];
        double[] smoothed = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            nll[i] = LogisticLoss.nllSlope(z[i]);
            smoothed[i] = LogisticLoss.smoothedSlope(z[i], 0.2);
        }
        FiniteDifference.check("nll", x -> sum(x, 0.0), z, nll, 1e-9);
        FiniteDifference.check("smoothed", x -> sum(x, 0.2), z, smoothed, 1e-9);
    }

    private static double sum(double[] x, double eps) {
        double s = 0;
        for (double v : x) {
            s += LogisticLoss.smoothed(v, eps);
        }
        return s;
    }

    @Test
    void staysFiniteAndExactAtHundredsOfNats() {
        assertEquals(800.0, LogisticLoss.nll(-800), 0.0);
        assertEquals(0.0, LogisticLoss.nll(800), 1e-300);
        assertEquals(-1.0, LogisticLoss.nllSlope(-800), 0.0);
        assertEquals(0.0, LogisticLoss.density(800), 0.0);
        // a flipped label costs ε·z where the margin is large and right
        assertEquals(0.1 * 800, LogisticLoss.smoothed(800, 0.1), 1e-12);
        assertEquals(0.1, LogisticLoss.smoothedSlope(800, 0.1), 1e-15);
        assertTrue(Double.isFinite(LogisticLoss.smoothed(-800, 0.1)));
    }
}
