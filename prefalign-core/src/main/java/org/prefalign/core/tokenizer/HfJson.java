package org.prefalign.core.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads fields of a Hugging Face tokenizer file so that every error names the file and the
 * field's path in it (e.g. {@code tokenizer.json: model.merges[12]}).
 */
final class HfJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String source;

    HfJson(String source) {
        this.source = source;
    }

    /** The JSON in {@code file}; an error naming the file if it is not valid JSON. */
    static JsonNode read(Path file) throws IOException {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON in {@code text}; an error naming {@code source} if it is not valid JSON. */
    static JsonNode parse(String text, String source) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    String source() {
        return source;
    }

    IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException(source + ": " + path + " " + message);
    }

    /** Child {@code field} of {@code node}; null if absent or JSON null. */
    static JsonNode optional(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    JsonNode required(JsonNode node, String field, String path) {
        JsonNode v = optional(node, field);
        if (v == null) {
            throw error(path + "." + field, "is missing");
        }
        return v;
    }

    String string(JsonNode node, String field, String path) {
        JsonNode v = required(node, field, path);
        if (!v.isTextual()) {
            throw error(path + "." + field, "is " + v.getNodeType() + ", expected a string");
        }
        return v.asText();
    }

    String string(JsonNode node, String field, String dflt, String path) {
        return optional(node, field) == null ? dflt : string(node, field, path);
    }

    boolean bool(JsonNode node, String field, boolean dflt, String path) {
        JsonNode v = optional(node, field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw error(path + "." + field, "is " + v.getNodeType() + ", expected true or false");
        }
        return v.asBoolean();
    }

    int integer(JsonNode node, String field, String path) {
        JsonNode v = required(node, field, path);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(path + "." + field, "is " + v + ", expected an integer");
        }
        return v.asInt();
    }

    int integer(JsonNode node, String field, int dflt, String path) {
        return optional(node, field) == null ? dflt : integer(node, field, path);
    }

    JsonNode array(JsonNode node, String field, String path) {
        JsonNode v = required(node, field, path);
        if (!v.isArray()) {
            throw error(path + "." + field, "is " + v.getNodeType() + ", expected an array");
        }
        return v;
    }

    /** The {@code type} of a component, for dispatch. */
    String type(JsonNode node, String path) {
        return string(node, "type", path);
    }

    IllegalArgumentException unsupported(String path, String type, String supported) {
        return error(path + ".type", "'" + type + "' is not supported (supported: " + supported + ")");
    }
}
