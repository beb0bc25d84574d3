package org.prefalign.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class StableMathTest {

    /** log σ(x) from BigDecimal arithmetic: an oracle that shares no code with StableMath. */
    private static double referenceLogSigmoid(double x) {
        MathContext mc = new MathContext(60);
        // σ(x) = 1/(1+e^{-x}); for x << 0, log σ(x) = x − log(1+e^{x}); both branches via a series-free form
        if (x < 0) {
            double ex = Math.exp(x); // representable as long as x > -745
            return x - Math.log1p(ex);
        }
        BigDecimal e = BigDecimal.valueOf(Math.exp(-x));
        return -Math.log1p(e.round(mc).doubleValue());
    }

    @Test
    void logSigmoidIsFiniteAndAccurateOverTheWholeRange() {
        for (double x : new double[] {-800, -300, -40, -1, -1e-8, 0, 1e-8, 1, 40, 300, 800}) {
            double got = StableMath.logSigmoid(x);
            assertTrue(Double.isFinite(got), "logSigmoid(" + x + ") = " + got);
            double want = x < -700 ? x : referenceLogSigmoid(x);
            assertEquals(want, got, 1e-15 * Math.max(1, Math.abs(want)), "logSigmoid(" + x + ")");
        }
        assertEquals(-Math.log(2), StableMath.logSigmoid(0), 1e-16);
    }

    @Test
    void sigmoidIsSymmetricAndSaturatesWithoutNaN() {
        for (double x : new double[] {-1000, -20, -0.5, 0, 0.5, 20, 1000}) {
            assertEquals(1.0, StableMath.sigmoid(x) + StableMath.sigmoid(-x), 1e-15);
        }
        assertEquals(0.0, StableMath.sigmoid(-1000), 0);
        assertEquals(1.0, StableMath.sigmoid(1000), 0);
    }

    @Test
    void log1mexpUsesTheRightBranchOnEachSideOfLn2() {
        // near 0: log(1 − e^{−1e-10}) = log(1e-10 − 5e-21 ...) ≈ log(1e-10)
        assertEquals(Math.log(1e-10) - 0.5e-10, StableMath.log1mexp(-1e-10), 1e-12);
        // far below: log(1 − e^{−50}) ≈ −e^{−50}
        assertEquals(-Math.exp(-50), StableMath.log1mexp(-50), 1e-35);
        assertEquals(Math.log(1 - Math.exp(-1)), StableMath.log1mexp(-1), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> StableMath.log1mexp(0.1));
    }

    @Test
    void logSumExpShiftsTheMaximumOut() {
        assertEquals(1000 + Math.log(2), StableMath.logSumExp(new double[] {1000, 1000}), 1e-12);
        assertEquals(-1000 + Math.log(3), StableMath.logSumExp(new double[] {-1000, -1000, -1000}), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, StableMath.logSumExp(new double[0]));
    }

    @Test
    void softplusMatchesTheDefinitionWhereTheDefinitionIsSafe() {
        for (double x = -30; x <= 30; x += 0.37) {
            assertEquals(Math.log1p(Math.exp(x)), StableMath.softplus(x), 1e-14 * Math.max(1, Math.abs(x)));
        }
        assertEquals(800, StableMath.softplus(800), 0);
    }
}
