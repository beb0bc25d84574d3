package org.prefalign.core.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.ModelFileException;

class SafetensorsShardsTest {

    @TempDir
    Path dir;

    private String problem(String index) throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors.index.json"), index);
        return assertThrows(ModelFileException.class, () -> SafetensorsShards.list(dir)).getMessage()
                .substring(file.toString().length() + 2);
    }

    @Test
    void aSingleFileWinsOverAnIndex() throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"), "not even JSON");
        Path single = Files.write(dir.resolve("model.safetensors"), new byte[0]);
        assertEquals(List.of(single), SafetensorsShards.list(dir));
    }

    @Test
    void theIndexNamesEachShardOnceInFirstMentionOrder() throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 8}, "weight_map": {
                  "model.norm.weight": "model-00002-of-00002.safetensors",
                  "lm_head.weight": "model-00001-of-00002.safetensors",
                  "model.embed_tokens.weight": "model-00002-of-00002.safetensors"}}""");
        assertEquals(List.of(dir.resolve("model-00002-of-00002.safetensors"), dir.resolve("model-00001-of-00002.safetensors")),
                SafetensorsShards.list(dir));
    }

    @Test
    void badIndexesNameTheFileAndField() throws IOException {
        String map = "weight_map: must be an object mapping tensor names to shard files";
        assertEquals(map, problem("{\"weight_map\": {}}"));
        assertEquals(map, problem("{\"metadata\": {}}"));
        assertEquals("JSON: must be a JSON object", problem("[1]"));
        assertTrue(problem("{\"weight_map\": ").startsWith("JSON: not valid JSON: "));
        assertEquals("weight_map.a: must name a .safetensors file in the same directory, got \"../evil.safetensors\"",
                problem("{\"weight_map\": {\"a\": \"../evil.safetensors\"}}"));
        assertEquals("weight_map.a: must name a .safetensors file in the same directory, got \".safetensors\"",
                problem("{\"weight_map\": {\"a\": \".safetensors\"}}"));
        assertEquals("weight_map.b: must name a .safetensors file in the same directory, got 3",
                problem("{\"weight_map\": {\"a\": \"x.safetensors\", \"b\": 3}}"));
    }

    @Test
    void aDirectoryWithNeitherFileIsNamed() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsShards.list(dir));
        assertEquals(dir + ": model.safetensors: neither model.safetensors nor model.safetensors.index.json exists"
                + " in the directory", e.getMessage());
    }
}
