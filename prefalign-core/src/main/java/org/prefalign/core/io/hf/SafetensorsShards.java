package org.prefalign.core.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prefalign.core.io.JsonFiles;
import org.prefalign.core.io.ModelFileException;

/**
 * The safetensors files of a Hugging Face checkpoint directory: {@code model.safetensors}, or the
 * shards that {@code model.safetensors.index.json} maps tensor names to
 * ({@code {"weight_map": {"model.norm.weight": "model-00002-of-00002.safetensors", ...}}}).
 */
public final class SafetensorsShards {

    private SafetensorsShards() {
    }

    /**
     * The files to read, each once, in the order the index first names them.
     *
     * @throws ModelFileException naming the directory when neither file exists, or the index and
     *                            its field when it is not a JSON object, has no non-empty {@code weight_map},
     *                            or maps a tensor to anything but a {@code .safetensors} file in the
     *                            same directory (no paths: a checkpoint cannot point outside itself)
     */
    public static List<Path> list(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            throw new ModelFileException(dir, "model.safetensors", -1,
                    "neither model.safetensors nor model.safetensors.index.json exists in the directory");
        }
        JsonNode map = JsonFiles.readObject(index).path("weight_map");
        if (!map.isObject() || map.isEmpty()) {
            throw new ModelFileException(index, "weight_map", -1, "must be an object mapping tensor names to shard files");
        }
        Set<Path> files = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String shard = e.getValue().isTextual() ? e.getValue().textValue() : "";
            if (!shard.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.safetensors")) {
                throw new ModelFileException(index, "weight_map." + e.getKey(), -1,
                        "must name a .safetensors file in the same directory, got " + e.getValue());
            }
            files.add(dir.resolve(shard));
        }
        return List.copyOf(files);
    }
}
