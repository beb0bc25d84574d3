package org.prefalign.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The plain (unquantised) floating-point encodings that model files store, little-endian: float32,
 * IEEE half, bfloat16 and float64, with conversion to and from Java floats. Decoding is exact
 * except F64, which rounds to the nearest float; encoding to F16/BF16 rounds to nearest, ties to
 * even ({@link Float16}, {@link BFloat16}).
 */
public enum FloatEncoding {
    F32(4),
    F16(2),
    BF16(2),
    F64(8);

    private final int bytes;

    FloatEncoding(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per value. */
    public int bytes() {
        return bytes;
    }

    /**
     * Decodes every remaining value of {@code src} (a little-endian buffer) into {@code dst}
     * starting at {@code at}; returns the index after the last value written.
     */
    public int decode(ByteBuffer src, float[] dst, int at) {
        int n = src.remaining() / bytes;
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Float16.toFloat(src.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = BFloat16.toFloat(src.getShort());
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = (float) src.getDouble();
                }
            }
        }
        return at + n;
    }

    /** Writes {@code values} in this encoding. */
    public void encode(float[] values, LittleEndianOutput out) throws IOException {
        switch (this) {
            case F32 -> out.f32s(values);
            case F16 -> {
                for (float v : values) {
                    out.i16(Float16.fromFloat(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    out.i16(BFloat16.fromFloat(v));
                }
            }
            case F64 -> {
                for (float v : values) {
                    out.f64(v);
                }
            }
        }
    }
}
