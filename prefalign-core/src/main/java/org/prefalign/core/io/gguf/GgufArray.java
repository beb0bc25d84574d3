package org.prefalign.core.io.gguf;

import java.util.List;

/**
 * A metadata array value for {@link GgufWriter}: its element type and elements ({@code Number}
 * for numeric types, {@code Boolean}, {@code String}, or {@code GgufArray} for nested arrays).
 */
public record GgufArray(GgufValueType elementType, List<?> values) {

    public GgufArray {
        values = List.copyOf(values);
    }
}
