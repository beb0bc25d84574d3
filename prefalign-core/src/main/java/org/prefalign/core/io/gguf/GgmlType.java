package org.prefalign.core.io.gguf;

import java.util.Optional;

/**
 * The element types of GGML tensors, with their GGUF type ids and storage layout: a type packs
 * {@link #blockSize()} consecutive values (along the innermost dimension) into
 * {@link #blockBytes()} bytes.
 *
 * <p>Ids and block layouts follow ggml's {@code ggml_type} enum and {@code type_traits} table
 * (ggml-common.h). The reader needs the layout of every type it may meet to validate where each
 * tensor's bytes lie, even for types it cannot {@linkplain #dequantizable() dequantise}; a file
 * with a type outside this table is rejected as "unknown tensor type".
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    /** Blocks of 32: an F16 scale d, then 32 signed bytes q; value = d · q. */
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The type id stored in a GGUF tensor info. */
    public int id() {
        return id;
    }

    /** Values per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether {@link GgufFile#tensorAsFloats(String)} can convert this type to float. */
    public boolean dequantizable() {
        return switch (this) {
            case F32, F16, BF16, F64, Q8_0 -> true;
            default -> false;
        };
    }

    /** The type with GGUF id {@code id}, if this library knows it. */
    public static Optional<GgmlType> fromId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
