package org.prefalign.algorithms.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Element-wise comparisons of double arrays, each element named in the failure message. */
public final class ArrayAsserts {

    private ArrayAsserts() {
    }

    /** |expected − actual| ≤ rel·|expected| + 1e-15 element-wise: relative even for small values. */
    public static void assertRelative(String what, double[] expected, double[] actual, double rel) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rel * Math.abs(expected[i]) + 1e-15, what + "[" + i + "]");
        }
    }

    /** |expected − actual| ≤ rel·max(1, |expected|) element-wise: relative above 1, absolute below. */
    public static void assertClose(String what, double[] expected, double[] actual, double rel) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rel * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}
