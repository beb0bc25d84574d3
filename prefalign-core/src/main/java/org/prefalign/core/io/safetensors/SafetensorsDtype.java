package org.prefalign.core.io.safetensors;

import java.util.Optional;
import org.prefalign.core.io.FloatEncoding;

/**
 * The element types of the safetensors format, by the names its header uses, with their sizes.
 * Only the floating-point ones convert to float ({@link #floatEncoding()}).
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** How to convert this dtype to float, for F32, F16, BF16 and F64. */
    public Optional<FloatEncoding> floatEncoding() {
        return switch (this) {
            case F32 -> Optional.of(FloatEncoding.F32);
            case F16 -> Optional.of(FloatEncoding.F16);
            case BF16 -> Optional.of(FloatEncoding.BF16);
            case F64 -> Optional.of(FloatEncoding.F64);
            default -> Optional.empty();
        };
    }

    /** The dtype a float tensor is written as in the given encoding. */
    public static SafetensorsDtype of(FloatEncoding encoding) {
        return switch (encoding) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case F64 -> F64;
        };
    }
}
