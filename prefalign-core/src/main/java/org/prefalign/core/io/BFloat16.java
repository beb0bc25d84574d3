package org.prefalign.core.io;

/**
 * bfloat16 (GGUF {@code BF16}, safetensors {@code BF16}): the upper 16 bits of an IEEE float32 —
 * 1 sign bit, 8 exponent bits, 7 mantissa bits — so it has float32's range with ~3 significant
 * digits.
 *
 * <p>Conversion to float is exact (append 16 zero bits). Conversion from float rounds to nearest,
 * ties to even, as PyTorch's {@code tensor.bfloat16()} does; NaN stays a quiet NaN.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** The float value of the bfloat16 bit pattern {@code bits}. Exact. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 bit pattern nearest to {@code value}, ties to even. */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7f800000) == 0x7f800000 && (f & 0x7fffff) != 0) {
            return (short) ((f >>> 16) | 0x40); // NaN: keep sign and payload top, force quiet
        }
        // Adding 0x7fff plus the lowest kept bit rounds to nearest, ties to even; overflow of the
        // largest finite values carries correctly into infinity.
        int rounded = f + 0x7fff + ((f >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
