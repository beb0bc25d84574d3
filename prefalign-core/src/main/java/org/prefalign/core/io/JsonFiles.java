package org.prefalign.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the small JSON files that sit beside model weights ({@code config.json}, shard indexes). */
public final class JsonFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /**
     * The JSON object in {@code file}.
     *
     * @throws ModelFileException naming the file when it is not valid JSON or not an object
     */
    public static ObjectNode readObject(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "JSON", -1, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, "JSON", -1, "must be a JSON object");
        }
        return (ObjectNode) root;
    }
}
