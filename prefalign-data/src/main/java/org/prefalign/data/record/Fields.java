package org.prefalign.data.record;

import java.util.Objects;

/** Null checks that name the field, shared by the records' constructors. */
final class Fields {

    private Fields() {
    }

    static <T> T required(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " must not be null");
    }
}
