package org.prefalign.core.sampling.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector kernel's own e^x against {@link Math#exp}. */
class VectorExpTest {

    private static float[] exp(float[] x) {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] y = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            VectorDecodeKernel.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, padded, i)).intoArray(y, i);
        }
        return java.util.Arrays.copyOf(y, x.length);
    }

    @Test
    void relativeErrorIsAFewUlpOverTheNormalRange() {
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87.3f + (88.2f + 87.3f) * i / (n - 1);
        }
        float[] y = exp(x);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - want) / want);
        }
        assertTrue(worst < 3e-7, "worst relative error " + worst);
    }

    @Test
    void edgesGiveExactValues() {
        float[] y = exp(new float[] {0f, Float.NEGATIVE_INFINITY, -100f, -87.4f, 1f});
        assertEquals(1f, y[0]);
        assertEquals(0f, y[1]);
        assertEquals(0f, y[2]);
        assertEquals(0f, y[3]);
        assertEquals(Math.E, y[4], 2e-7 * Math.E);
    }
}
