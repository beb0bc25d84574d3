package org.prefalign.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Float16} and {@link BFloat16}: hand-computed bit patterns, and round-to-nearest-even
 * checked against a brute-force oracle that knows nothing of bit tricks: it sorts every finite
 * value of the format and picks the nearest (ties: the even bit pattern).
 */
class HalfPrecisionTest {

    private static short h(int bits) {
        return (short) bits;
    }

    @Test
    void float16DecodesHandComputedPatterns() {
        assertEquals(1.0f, Float16.toFloat(h(0x3c00)));
        assertEquals(-2.0f, Float16.toFloat(h(0xc000)));
        assertEquals(65504f, Float16.toFloat(h(0x7bff))); // largest half: (2 − 2^-10) · 2^15
        assertEquals(0x1p-14f, Float16.toFloat(h(0x0400))); // smallest normal
        assertEquals(0x1p-24f, Float16.toFloat(h(0x0001))); // smallest subnormal
        assertEquals(0x3ffp-24f, Float16.toFloat(h(0x03ff))); // largest subnormal
        assertEquals(0.333251953125f, Float16.toFloat(h(0x3555))); // 1.33300781 · 2^-2
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(h(0x7c00)));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat(h(0xfc00)));
        assertTrue(Float.isNaN(Float16.toFloat(h(0x7e00))));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float16.toFloat(h(0x8000))));
    }

    @Test
    void float16EncodesWithTiesToEven() {
        assertEquals(h(0x3c00), Float16.fromFloat(1f));
        assertEquals(h(0x3c00), Float16.fromFloat(1f + 0x1p-11f)); // halfway 0x3c00 / 0x3c01 → even 0x3c00
        assertEquals(h(0x3c02), Float16.fromFloat(1f + 3 * 0x1p-11f)); // halfway 0x3c01 / 0x3c02 → 0x3c02
        assertEquals(h(0x3c01), Float16.fromFloat(1f + 0x1p-11f + 0x1p-20f)); // just above halfway → up
        assertEquals(h(0x7bff), Float16.fromFloat(65519f)); // below the 65520 midpoint
        assertEquals(h(0x7c00), Float16.fromFloat(65520f)); // midpoint to 2^16 → even → infinity
        assertEquals(h(0x0000), Float16.fromFloat(0x1p-25f)); // half the smallest subnormal → 0 (even)
        assertEquals(h(0x0001), Float16.fromFloat(0x1.0002p-25f));
        assertEquals(h(0x0002), Float16.fromFloat(3 * 0x1p-25f)); // 1.5 units → 2 (even)
        assertEquals(h(0x0400), Float16.fromFloat(0x1p-14f - 0x1p-26f)); // subnormal rounding up into the normals
        assertEquals(h(0x8000), Float16.fromFloat(-0f));
        assertEquals(h(0xfc00), Float16.fromFloat(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
    }

    @Test
    void bfloat16HandComputedPatterns() {
        assertEquals(h(0x3f80), BFloat16.fromFloat(1f));
        assertEquals(h(0x3f80), BFloat16.fromFloat(1f + 0x1p-8f)); // tie → even
        assertEquals(h(0x3f82), BFloat16.fromFloat(1f + 3 * 0x1p-8f)); // tie → even (up)
        assertEquals(h(0x3f81), BFloat16.fromFloat(Float.intBitsToFloat(0x3f808001)));
        assertEquals(h(0x7f80), BFloat16.fromFloat(Float.MAX_VALUE)); // rounds past the largest bf16
        assertEquals(h(0xc2f7), BFloat16.fromFloat(-123.5f)); // −1.9296875 · 2^6 exactly: 0xC2F7
        assertEquals(-123.5f, BFloat16.toFloat(h(0xc2f7)));
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN))));
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.intBitsToFloat(0x7f800001)))));
    }

    /** Every finite non-negative value of a 16-bit format, sorted, with its bit pattern. */
    private record Table(float[] values, short[] bits) {
        static Table of(IntFunction<Float> decode) {
            float[] v = new float[65536];
            int n = 0;
            Integer[] order = new Integer[65536];
            for (int b = 0; b < 0x8000; b++) {
                float x = decode.apply(b);
                if (Float.isFinite(x)) {
                    order[n++] = b;
                }
            }
            Integer[] finite = Arrays.copyOf(order, n);
            Arrays.sort(finite, (a, b) -> Float.compare(decode.apply(a), decode.apply(b)));
            short[] bits = new short[n];
            for (int i = 0; i < n; i++) {
                bits[i] = (short) (int) finite[i];
                v[i] = decode.apply(finite[i]);
            }
            return new Table(Arrays.copyOf(v, n), bits);
        }

        /** The nearest value's bits, ties to the even pattern; the sign is carried over (so −tiny → −0). */
        short nearest(float signed) {
            float x = Math.abs(signed);
            int sign = signed < 0 ? 0x8000 : 0;
            int i = Arrays.binarySearch(values, x);
            if (i >= 0) {
                return (short) (bits[i] | sign);
            }
            int hi = -i - 1;
            int lo = hi - 1;
            double dLo = x - (double) values[lo];
            double dHi = (double) values[hi] - x;
            short nearest = dLo < dHi ? bits[lo] : dHi < dLo ? bits[hi] : (bits[lo] & 1) == 0 ? bits[lo] : bits[hi];
            return (short) (nearest | sign);
        }
    }

    @Test
    void roundingMatchesBruteForceNearestEven() {
        Table f16 = Table.of(b -> Float16.toFloat((short) b));
        Table bf16 = Table.of(b -> BFloat16.toFloat((short) b));
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            // uniform in magnitude over the half range, including subnormals, plus random bit patterns
            float x = i % 2 == 0 ? (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(42) - 26))
                    : Float.intBitsToFloat(random.nextInt());
            if (x == 0 || !Float.isFinite(x)) {
                continue;
            }
            if (Math.abs(x) < 65504f) {
                assertEquals(f16.nearest(x), Float16.fromFloat(x), () -> "f16 of " + x);
            }
            if (Math.abs(x) < Float.intBitsToFloat(0x7f7f0000)) {
                assertEquals(bf16.nearest(x), BFloat16.fromFloat(x), () -> "bf16 of " + x);
            }
        }
    }

    @Test
    void everyHalfRoundTripsExactly() {
        for (int b = 0; b < 65536; b++) {
            float x = Float16.toFloat((short) b);
            if (!Float.isNaN(x)) {
                assertEquals((short) b, Float16.fromFloat(x), "half 0x" + Integer.toHexString(b));
            }
            float y = BFloat16.toFloat((short) b);
            if (!Float.isNaN(y)) {
                assertEquals((short) b, BFloat16.fromFloat(y), "bf16 0x" + Integer.toHexString(b));
            }
        }
    }
}
