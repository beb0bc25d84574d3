package org.prefalign.core.io;

/**
 * IEEE 754 binary16 ("half", GGUF {@code F16}, safetensors {@code F16}): 1 sign bit, 5 exponent
 * bits (bias 15), 10 mantissa bits; subnormals, infinities and NaN included.
 *
 * <p>Java 17 has no {@code Float.float16ToFloat} (it arrived in Java 20), hence this class.
 * Conversion to float is exact; conversion from float rounds to nearest, ties to even, as
 * PyTorch's {@code tensor.half()} and numpy's {@code astype(float16)} do.
 */
public final class Float16 {

    private Float16() {
    }

    /** The float value of the half-precision bit pattern {@code bits} (low 16 bits used). Exact. */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN; NaN keeps its payload in the high mantissa bits
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa · 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /**
     * The half-precision bit pattern nearest to {@code value}, ties to even. Values beyond the
     * largest half (65504) round to infinity as IEEE prescribes; NaN stays a (quiet) NaN.
     */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int mantissa = f & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15; // the half exponent field if the value is normal in half
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            // Subnormal half (or zero): value = m · 2^-24 with m = full significand · 2^(e-1) / 2^13.
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to ±0
            }
            int significand = mantissa | 0x800000;
            int shift = 14 - e; // 13 bits to drop plus (1 − e) more for the subnormal scale
            return (short) (sign | roundShiftRightEven(significand, shift));
        }
        // Normal: keep 10 mantissa bits; a carry out of the mantissa correctly bumps the exponent
        // (and reaches 0x7c00, infinity, when the largest half is exceeded).
        int combined = (e << 10) | (mantissa >>> 13);
        int dropped = mantissa & 0x1fff;
        if (dropped > 0x1000 || (dropped == 0x1000 && (combined & 1) != 0)) {
            combined++;
        }
        return (short) (sign | combined);
    }

    /** {@code value >>> shift} rounded to nearest, ties to even. */
    static int roundShiftRightEven(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
