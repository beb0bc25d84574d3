package org.prefalign.data.io;

import com.fasterxml.jackson.databind.JsonNode;

/** A field of one JSON record that does not hold what its format expects; the reader adds file and line. */
final class FieldError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    FieldError(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    /** {@code expected <what>, got <JSON type of node>}. */
    static FieldError expected(String field, String what, JsonNode node) {
        return new FieldError(field, "expected " + what + ", got " + Json.typeName(node));
    }

    String field() {
        return field;
    }
}
