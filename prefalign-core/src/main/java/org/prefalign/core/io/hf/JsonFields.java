package org.prefalign.core.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.prefalign.core.io.ModelFileException;

/** Typed, checked access to the fields of a JSON object read from a file; errors name file and field. */
final class JsonFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;
    private final Path source;
    private final String prefix;

    JsonFields(ObjectNode json, Path source) {
        this(json, source, "");
    }

    JsonFields(ObjectNode json, Path source, String prefix) {
        this.json = json;
        this.source = source;
        this.prefix = prefix;
    }

    private ModelFileException error(String field, String problem) {
        return new ModelFileException(source, prefix + field, -1, problem);
    }

    private JsonNode required(String field) throws ModelFileException {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw error(field, "required field is missing");
        }
        return node;
    }

    static int asInt(JsonNode node, Path source, String field) throws ModelFileException {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new ModelFileException(source, field, -1, "must be an integer in int range, got " + node);
        }
        return node.intValue();
    }

    int integer(String field) throws ModelFileException {
        return asInt(required(field), source, prefix + field);
    }

    Optional<Integer> optionalInteger(String field) throws ModelFileException {
        return json.hasNonNull(field) ? Optional.of(integer(field)) : Optional.empty();
    }

    Optional<Double> optionalNumber(String field) throws ModelFileException {
        if (!json.hasNonNull(field)) {
            return Optional.empty();
        }
        JsonNode node = json.get(field);
        if (!node.isNumber()) {
            throw error(field, "must be a number, got " + node);
        }
        return Optional.of(node.doubleValue());
    }

    String string(String field) throws ModelFileException {
        JsonNode node = required(field);
        if (!node.isTextual()) {
            throw error(field, "must be a string, got " + node);
        }
        return node.textValue();
    }

    Optional<String> optionalString(String field) throws ModelFileException {
        return json.hasNonNull(field) ? Optional.of(string(field)) : Optional.empty();
    }

    Optional<Boolean> optionalBool(String field) throws ModelFileException {
        if (!json.hasNonNull(field)) {
            return Optional.empty();
        }
        JsonNode node = json.get(field);
        if (!node.isBoolean()) {
            throw error(field, "must be true or false, got " + node);
        }
        return Optional.of(node.booleanValue());
    }

    /** A JSON object field as a mutable map of plain Java values (numbers, strings, lists, maps). */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(String field) throws ModelFileException {
        JsonNode node = required(field);
        if (!node.isObject()) {
            throw error(field, "must be a JSON object, got " + node);
        }
        return new LinkedHashMap<>(JSON.convertValue(node, Map.class));
    }
}
