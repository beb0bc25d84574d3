package org.prefalign.core.io.gguf;

import java.util.Optional;

/**
 * The types of GGUF metadata values ({@code gguf_type} in ggml), with their ids and, for
 * fixed-size types, their size in bytes. How each maps to Java is documented on
 * {@link GgufFile#metadata()}.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** uint64 byte length, then UTF-8 bytes (no terminator). */
    STRING(8, -1),
    /** uint32 element type, uint64 element count, then the elements. */
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    /** The id stored in the file. */
    public int id() {
        return id;
    }

    /** The fewest bytes one value of this type occupies in a file (used to bound counts). */
    public int minBytes() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }

    /** Whether values of this type are integers (read as {@code Long}). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** Whether values of this type are numbers (integers or floats). */
    public boolean isNumber() {
        return isInteger() || this == FLOAT32 || this == FLOAT64;
    }

    /** The type with id {@code id}, if there is one. */
    public static Optional<GgufValueType> fromId(long id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
