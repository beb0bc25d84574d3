package org.prefalign.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link VectorMath}: e^x against {@link Math#exp}, the lane sum against its documented order, and both against the JIT. */
class VectorMathTest {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** The bound {@link VectorMath#exp} documents (measured worst over every float: 0.9511 ulp). */
    private static final double MAX_ULP = 0.96;
    /** e^x below it flushes to 0: 2^−125.5. */
    private static final double FLUSHED = Math.scalb(Math.sqrt(0.5), -125);

    static float[] exp(float[] x) {
        float[] padded = Arrays.copyOf(x, (x.length + L - 1) / L * L);
        float[] y = new float[padded.length];
        for (int i = 0; i < padded.length; i += L) {
            VectorMath.exp(FloatVector.fromArray(SPECIES, padded, i)).intoArray(y, i);
        }
        return Arrays.copyOf(y, x.length);
    }

    /** Error of y in ulps of the float nearest e^x (the ulp of the largest finite float where that is +∞). */
    private static double ulpError(float x, float y) {
        double want = Math.exp(x);
        float nearest = (float) want;
        return Math.abs(y - want) / Math.ulp(Float.isInfinite(nearest) ? Float.MAX_VALUE : nearest);
    }

    @Test
    void expIsWithinTheStatedUlpOfMathExpOverTheWholeFloatRange() {
        // every 4099th bit pattern (all signs, exponents, NaNs), and every float around the flush
        // to zero, the least normal result, overflow and 0
        float[][] samples = {stride(4099), around(-86.98961f), around(-87.33655f), around(88.72284f), around(0f)};
        double worst = 0;
        float worstAt = 0;
        long checked = 0;
        for (float[] x : samples) {
            float[] y = exp(x);
            for (int i = 0; i < x.length; i++) {
                if (Float.isNaN(x[i])) {
                    assertTrue(Float.isNaN(y[i]), "exp(NaN) = " + y[i]);
                    continue;
                }
                double want = Math.exp(x[i]);
                if (want < FLUSHED * (1 - 1e-6) || (y[i] == 0f && want < FLUSHED * (1 + 1e-6))) {
                    assertEquals(0f, y[i], "exp(" + x[i] + ") flushes to 0");
                    continue;
                }
                float nearest = (float) want;
                assertEquals(Float.isInfinite(nearest), Float.isInfinite(y[i]), "exp(" + x[i] + ") = " + y[i] + ", nearest float " + nearest);
                double err = Float.isInfinite(y[i]) ? 0 : ulpError(x[i], y[i]);
                assertTrue(err <= MAX_ULP, "exp(" + x[i] + ") = " + y[i] + ": " + err + " ulp from " + want);
                if (err > worst) {
                    worst = err;
                    worstAt = x[i];
                }
                checked++;
            }
        }
        System.out.printf("VectorMath.exp: worst %.4f ulp at x = %s over %d inputs%n", worst, worstAt, checked);
    }

    private static float[] stride(int step) {
        float[] x = new float[(int) ((1L << 32) / step) + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat((int) ((long) i * step));
        }
        return x;
    }

    /** The 20,000 floats nearest c on either side, c included. */
    private static float[] around(float c) {
        float[] x = new float[40_001];
        x[20_000] = c;
        for (int i = 1; i <= 20_000; i++) {
            x[20_000 + i] = Math.nextUp(x[20_000 + i - 1]);
            x[20_000 - i] = Math.nextDown(x[20_000 - i + 1]);
        }
        return x;
    }

    @Test
    void expAtTheEdges() {
        float[] x = {0f, -0f, 1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -Float.MAX_VALUE,
            Float.MAX_VALUE, 88.72283f, 88.7229f, -86.98f, -87f, -87.33655f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.intBitsToFloat(0xffc00000)};
        float[] y = exp(x);
        assertEquals(1f, y[0]);
        assertEquals(1f, y[1]);
        assertEquals(Math.E, y[2], Math.ulp((float) Math.E));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[3]), "exp(-inf) is +0");
        assertEquals(Float.POSITIVE_INFINITY, y[4]);
        assertTrue(Float.isNaN(y[5]));
        assertEquals(0f, y[6]);
        assertEquals(Float.POSITIVE_INFINITY, y[7]);
        assertEquals((float) Math.exp(88.72283f), y[8], Math.ulp(Float.MAX_VALUE), "just below the overflow threshold 88.72284");
        assertEquals(Float.POSITIVE_INFINITY, y[9], "just above it");
        assertEquals((float) Math.exp(-86.98f), y[10], Math.ulp((float) Math.exp(-86.98f)), "just above the flush to zero");
        assertEquals(0f, y[11], "e^-87 = 1.65e-38 < 2^-125.5 flushes to 0");
        assertEquals(0f, y[12], "e^-87.33655 is the least normal float, and flushes to 0");
        assertEquals(1f, y[13]);
        assertEquals(1f, y[14]);
        assertTrue(Float.isNaN(y[15]), "a NaN with its sign bit set, as x86 arithmetic makes them");
    }

    @Test
    void sumAddsTheLanesAsTheDocumentedTree() {
        SplittableRandom random = new SplittableRandom(3);
        float[] lanes = new float[L];
        int differsFromInOrder = 0;
        for (int trial = 0; trial < 2000; trial++) {
            for (int i = 0; i < L; i++) {
                lanes[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(-20, 21)));
            }
            float got = VectorMath.sum(FloatVector.fromArray(SPECIES, lanes, 0));
            assertEquals(Float.floatToRawIntBits(halvingSum(lanes)), Float.floatToRawIntBits(got), Arrays.toString(lanes));
            float inOrder = 0f;
            for (float v : lanes) {
                inOrder += v;
            }
            differsFromInOrder += inOrder == got ? 0 : 1;
        }
        assertTrue(differsFromInOrder > 100, "the inputs distinguish orders of summation: " + differsFromInOrder);
    }

    /** The tree of {@link VectorMath#sum} on an array: add the second half onto the first until one is left. */
    private static float halvingSum(float[] lanes) {
        float[] w = lanes.clone();
        for (int half = w.length / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                w[i] += w[i + half];
            }
        }
        return w[0];
    }

    @Test
    void bitsDoNotDependOnTheJit() throws Exception {
        JitIndependence.assertSameBitsInterpretedAndCompiled(ExpAndSum.class, 20_000);
    }

    /** e^x over [−110, 95] and the special values, and lane sums of values of mixed magnitude. */
    private static final class ExpAndSum implements Supplier<double[]> {
        private final float[] x = new float[64 * L];
        private final float[] lanes = new float[64 * L];

        ExpAndSum() {
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-110, 95);
                lanes[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(-20, 21)));
            }
            x[0] = Float.NEGATIVE_INFINITY;
            x[1] = Float.POSITIVE_INFINITY;
            x[2] = Float.NaN;
        }

        @Override
        public double[] get() {
            float[] y = exp(x);
            double[] out = new double[x.length + lanes.length / L];
            for (int i = 0; i < x.length; i++) {
                out[i] = y[i];
            }
            for (int v = 0; v < lanes.length / L; v++) {
                out[x.length + v] = VectorMath.sum(FloatVector.fromArray(SPECIES, lanes, v * L));
            }
            return out;
        }
    }
}
