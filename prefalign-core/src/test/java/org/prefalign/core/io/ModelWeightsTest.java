package org.prefalign.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.gguf.GgmlType;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.gguf.GgufWriter;
import org.prefalign.core.io.hf.LlamaConfig;
import org.prefalign.core.io.hf.RotaryPermutation;
import org.prefalign.core.io.safetensors.SafetensorsFile;
import org.prefalign.core.io.safetensors.SafetensorsWriter;

class ModelWeightsTest {

    @TempDir
    Path dir;

    private static Path storiesPath;
    private static GgufFile stories;
    private static ModelWeights storiesWeights;

    @BeforeAll
    static void load() throws IOException {
        storiesPath = Path.of(System.getProperty("prefalign.shared", "/work/shared"), "models", "stories260K.gguf");
        stories = GgufFile.read(storiesPath);
        storiesWeights = ModelWeights.fromGguf(stories);
    }

    private static void assertBitIdentical(ModelWeights expected, ModelWeights actual) {
        assertEquals(expected.config(), actual.config());
        assertEquals(expected.names(), actual.names());
        for (String name : expected.names()) {
            float[] a = expected.tensor(name);
            float[] b = actual.tensor(name);
            assertEquals(a.length, b.length, name);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(name + "[" + i + "]: " + a[i] + " != " + b[i]);
                }
            }
        }
    }

    @Test
    void storiesLoadsInGgufLayout() {
        ModelWeights w = storiesWeights;
        assertEquals(48, w.names().size());
        assertEquals("token_embd.weight", w.names().get(0));
        assertEquals("output.weight", w.names().get(47));
        assertArrayEquals(new long[] {512, 64}, w.shape("token_embd.weight"));
        assertArrayEquals(new long[] {32, 64}, w.shape("blk.0.attn_k.weight"));
        assertArrayEquals(new long[] {64, 172}, w.shape("blk.2.ffn_down.weight"));
        assertArrayEquals(new long[] {64}, w.shape("blk.2.ffn_norm.weight"));
        for (String name : w.names()) {
            assertArrayEquals(stories.tensorAsFloats(name), w.tensor(name), name); // llama GGUF: no permutation
        }
        assertEquals(5, w.config().numHiddenLayers());
        assertThrows(IllegalArgumentException.class, () -> w.tensor("blk.5.attn_q.weight"));
    }

    @Test
    void storiesToHfAndBackIsBitIdentical() throws IOException {
        Path hf = dir.resolve("hf");
        storiesWeights.saveHf(hf);
        assertTrue(Files.isRegularFile(hf.resolve("config.json")));
        assertEquals(storiesWeights.config(), LlamaConfig.read(hf.resolve("config.json")));
        SafetensorsFile st = SafetensorsFile.read(hf.resolve("model.safetensors"));
        assertEquals(48, st.tensors().size());
        assertEquals("pt", st.metadata().get("format"));
        assertArrayEquals(new long[] {64, 64}, st.shape("model.layers.0.self_attn.q_proj.weight"));
        assertArrayEquals(new long[] {512, 64}, st.shape("lm_head.weight"));

        // The HF file holds q/k in half-split order: HF row h·8 + s·4 + i is GGUF row h·8 + 2i + s.
        float[] ggufQ = storiesWeights.tensor("blk.1.attn_q.weight");
        float[] hfQ = st.tensorAsFloats("model.layers.1.self_attn.q_proj.weight");
        float[] ggufK = storiesWeights.tensor("blk.1.attn_k.weight");
        float[] hfK = st.tensorAsFloats("model.layers.1.self_attn.k_proj.weight");
        for (int h = 0; h < 8; h++) {
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < 4; i++) {
                    int hfRow = h * 8 + s * 4 + i;
                    int ggufRow = h * 8 + 2 * i + s;
                    for (int c = 0; c < 64; c++) {
                        assertEquals(ggufQ[ggufRow * 64 + c], hfQ[hfRow * 64 + c]);
                        if (h < 4) {
                            assertEquals(ggufK[ggufRow * 64 + c], hfK[hfRow * 64 + c]);
                        }
                    }
                }
            }
        }
        assertArrayEquals(storiesWeights.tensor("blk.1.attn_v.weight"), st.tensorAsFloats("model.layers.1.self_attn.v_proj.weight"));

        assertBitIdentical(storiesWeights, ModelWeights.fromHf(hf));
    }

    @Test
    void bfloat16CheckpointsRoundToNearestEven() throws IOException {
        Path hf = dir.resolve("bf16");
        storiesWeights.saveHf(hf, FloatEncoding.BF16);
        ModelWeights back = ModelWeights.fromHf(hf);
        for (String name : storiesWeights.names()) {
            float[] a = storiesWeights.tensor(name);
            float[] b = back.tensor(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(BFloat16.toFloat(BFloat16.fromFloat(a[i])), b[i], name);
            }
        }
    }

    /** A small random model; q/k rows have distinct values so a wrong permutation shows. */
    static ModelWeights random(LlamaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        ModelWeights.expectedShapes(config).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] values = new float[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            tensors.put(name, values);
        });
        return ModelWeights.of(config, tensors);
    }

    private static LlamaConfig qwen2(boolean tied) {
        return new LlamaConfig("qwen2", 32, 64, 2, 4, 2, 8, 40, 128, 1e-6, 1e6, Map.of(), tied, true, false,
                OptionalInt.empty(), List.of(3));
    }

    @Test
    void qwen2WithBiasesAndTiedHeadRoundTripsThroughHf() throws IOException {
        ModelWeights w = random(qwen2(true), 1);
        assertTrue(w.has("blk.1.attn_q.bias"));
        assertFalse(w.has("blk.1.attn_output.bias"));
        assertFalse(w.has("output.weight"));
        Path hf = dir.resolve("qwen");
        w.saveHf(hf);
        SafetensorsFile st = SafetensorsFile.read(hf.resolve("model.safetensors"));
        assertTrue(st.tensor("lm_head.weight").isEmpty());
        assertArrayEquals(RotaryPermutation.ggufToHf(w.tensor("blk.0.attn_k.bias"), 2, 1),
                st.tensorAsFloats("model.layers.0.self_attn.k_proj.bias"));
        assertBitIdentical(w, ModelWeights.fromHf(hf));
    }

    @Test
    void qwen2GgufIsReadFromHalfSplitRows() throws IOException {
        // llama.cpp writes qwen2 q/k unpermuted (it runs NeoX RoPE); loading must bring them to adjacent pairs.
        ModelWeights w = random(qwen2(false), 2);
        LlamaConfig c = w.config();
        GgufWriter writer = new GgufWriter(3).putString("general.architecture", "qwen2")
                .putUint32("qwen2.embedding_length", c.hiddenSize())
                .putUint32("qwen2.feed_forward_length", c.intermediateSize())
                .putUint32("qwen2.block_count", c.numHiddenLayers())
                .putUint32("qwen2.attention.head_count", c.numAttentionHeads())
                .putUint32("qwen2.attention.head_count_kv", c.numKeyValueHeads())
                .putUint32("qwen2.context_length", c.maxPositionEmbeddings())
                .putUint32("qwen2.vocab_size", c.vocabSize())
                .putFloat32("qwen2.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps())
                .putFloat32("qwen2.rope.freq_base", (float) c.ropeTheta())
                .putUint32("tokenizer.ggml.eos_token_id", 3);
        for (String name : w.names()) {
            long[] shape = w.shape(name);
            long[] dims = shape.length == 1 ? shape : new long[] {shape[1], shape[0]};
            float[] data = w.tensor(name);
            int heads = name.contains("attn_q") ? 4 : name.contains("attn_k") ? 2 : 0;
            if (heads > 0) {
                data = RotaryPermutation.ggufToHf(data, heads, shape.length == 1 ? 1 : (int) shape[1]);
            }
            writer.tensor(name, dims, GgmlType.F32, data);
        }
        Path file = dir.resolve("qwen2.gguf");
        writer.write(file);
        assertBitIdentical(w, ModelWeights.fromGguf(file));
    }

    @Test
    void shardedCheckpointsAreRead() throws IOException {
        Path hf = dir.resolve("sharded");
        storiesWeights.saveHf(hf);
        SafetensorsFile whole = SafetensorsFile.read(hf.resolve("model.safetensors"));
        SafetensorsWriter a = new SafetensorsWriter();
        SafetensorsWriter b = new SafetensorsWriter();
        StringBuilder map = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        int i = 0;
        for (var t : whole.tensors()) {
            boolean first = i++ % 2 == 0;
            (first ? a : b).tensor(t.name(), t.shape(), whole.tensorAsFloats(t.name()));
            map.append(i > 1 ? "," : "").append('"').append(t.name()).append("\": \"model-0000").append(first ? 1 : 2)
                    .append("-of-00002.safetensors\"");
        }
        a.write(hf.resolve("model-00001-of-00002.safetensors"));
        b.write(hf.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(hf.resolve("model.safetensors.index.json"), map.append("}}").toString());
        Files.delete(hf.resolve("model.safetensors"));
        assertBitIdentical(storiesWeights, ModelWeights.fromHf(hf));

        Files.writeString(hf.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"lm_head.weight\": \"../evil.safetensors\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelWeights.fromHf(hf));
        assertTrue(e.getMessage().contains("weight_map.lm_head.weight"), e.getMessage());
    }

    @Test
    void checkpointProblemsNameFileAndTensor() throws IOException {
        Path hf = dir.resolve("bad");
        storiesWeights.saveHf(hf);
        SafetensorsFile whole = SafetensorsFile.read(hf.resolve("model.safetensors"));

        SafetensorsWriter missing = new SafetensorsWriter();
        SafetensorsWriter extra = new SafetensorsWriter().tensor("model.layers.0.mlp.bias", new long[] {1}, new float[1]);
        SafetensorsWriter misShaped = new SafetensorsWriter();
        for (var t : whole.tensors()) {
            float[] v = whole.tensorAsFloats(t.name());
            if (!t.name().equals("model.norm.weight")) {
                missing.tensor(t.name(), t.shape(), v);
            }
            extra.tensor(t.name(), t.shape(), v);
            misShaped.tensor(t.name(), t.name().equals("lm_head.weight") ? new long[] {64, 512} : t.shape(), v);
        }
        missing.write(hf.resolve("model.safetensors"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelWeights.fromHf(hf));
        assertTrue(e.getMessage().contains("'model.norm.weight'") && e.getMessage().contains("missing"), e.getMessage());

        extra.write(hf.resolve("model.safetensors"));
        e = assertThrows(ModelFileException.class, () -> ModelWeights.fromHf(hf));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("'model.layers.0.mlp.bias'"),
                e.getMessage());

        misShaped.write(hf.resolve("model.safetensors"));
        e = assertThrows(ModelFileException.class, () -> ModelWeights.fromHf(hf));
        assertTrue(e.getMessage().contains("'lm_head.weight' shape") && e.getMessage().contains("[512, 64]"), e.getMessage());

        Files.delete(hf.resolve("model.safetensors"));
        e = assertThrows(ModelFileException.class, () -> ModelWeights.fromHf(hf));
        assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
    }

    @Test
    void ofValidatesNamesAndLengths() {
        LlamaConfig c = qwen2(false);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        ModelWeights.expectedShapes(c).forEach((n, s) -> tensors.put(n, new float[(int) java.util.Arrays.stream(s)
                .reduce(1, Math::multiplyExact)]));
        ModelWeights.of(c, tensors);
        Map<String, float[]> wrongLength = new LinkedHashMap<>(tensors);
        wrongLength.put("blk.0.attn_q.bias", new float[31]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.of(c, wrongLength));
        assertTrue(e.getMessage().contains("'blk.0.attn_q.bias'") && e.getMessage().contains("[32]"), e.getMessage());
        Map<String, float[]> extra = new LinkedHashMap<>(tensors);
        extra.put("rope_freqs.weight", new float[4]);
        assertThrows(IllegalArgumentException.class, () -> ModelWeights.of(c, extra));
        Map<String, float[]> missing = new LinkedHashMap<>(tensors);
        missing.remove("output.weight");
        assertThrows(IllegalArgumentException.class, () -> ModelWeights.of(c, missing));
    }

    @Test
    void q8_0GgufLoadsDequantised() throws IOException {
        // stories re-encoded as Q8_0 where rows allow it: every value within half a quantisation step of the original
        GgufWriter writer = new GgufWriter(3);
        for (var key : stories.metadata().keySet()) {
            if (key.startsWith("llama.") || key.startsWith("general.")) {
                var type = stories.valueType(key).orElseThrow();
                writer.put(key, type, stories.metadata().get(key));
            }
        }
        for (var t : stories.tensors()) {
            GgmlType type = t.dims().length == 2 && t.dims()[0] % 32 == 0 ? GgmlType.Q8_0 : GgmlType.F32;
            writer.tensor(t.name(), t.dims(), type, stories.tensorAsFloats(t.name()));
        }
        Path file = dir.resolve("q8.gguf");
        writer.write(file);
        ModelWeights q8 = ModelWeights.fromGguf(file);
        assertEquals(512, q8.config().vocabSize(), "vocab from the token_embd tensor when there is no token list");
        for (String name : storiesWeights.names()) {
            float[] a = storiesWeights.tensor(name);
            float[] b = q8.tensor(name);
            for (int block = 0; block < a.length; block += 32) {
                float amax = 0;
                for (int j = block; j < Math.min(a.length, block + 32); j++) {
                    amax = Math.max(amax, Math.abs(a[j]));
                }
                for (int j = block; j < Math.min(a.length, block + 32); j++) {
                    assertEquals(a[j], b[j], amax / 127 * 0.5 + amax * 1e-3, name + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void storiesExportsToGgufWithItsTokenizerBitIdentically() throws IOException {
        Path file = dir.resolve("export.gguf");
        storiesWeights.saveGguf(file, GgmlType.F32, stories);
        GgufFile g = GgufFile.read(file);
        for (String key : stories.metadata().keySet()) {
            if (key.startsWith("tokenizer.")) {
                assertEquals(stories.metadata().get(key), g.metadata().get(key), key);
                assertEquals(stories.valueType(key), g.valueType(key), key);
            }
        }
        assertEquals("llama", g.string("general.architecture"));
        for (var t : stories.tensors()) {
            assertArrayEquals(t.dims(), g.tensorShape(t.name()), t.name());
        }
        assertBitIdentical(storiesWeights, ModelWeights.fromGguf(g));
    }

    @Test
    void qwen2ExportsToGgufAndBack() throws IOException {
        ModelWeights w = random(qwen2(false), 4);
        Path file = dir.resolve("qwen2-export.gguf");
        w.saveGguf(file, GgmlType.F32, null);
        GgufFile g = GgufFile.read(file);
        assertEquals("qwen2", g.string("general.architecture"));
        // on disk the q rows are half-split, as llama.cpp wants them for qwen2
        assertArrayEquals(RotaryPermutation.ggufToHf(w.tensor("blk.1.attn_q.weight"), 4, 32),
                g.tensorAsFloats("blk.1.attn_q.weight"));
        assertBitIdentical(w, ModelWeights.fromGguf(g));
    }

    @Test
    void exportQuantisesMatricesButKeepsVectorsInF32() throws IOException {
        Path file = dir.resolve("q8-export.gguf");
        storiesWeights.saveGguf(file, GgmlType.Q8_0, stories);
        GgufFile g = GgufFile.read(file);
        assertEquals(GgmlType.Q8_0, g.tensor("blk.0.attn_q.weight").orElseThrow().type());
        assertEquals(GgmlType.F32, g.tensor("blk.0.ffn_down.weight").orElseThrow().type(), "172 is not a multiple of 32");
        assertEquals(GgmlType.F32, g.tensor("output_norm.weight").orElseThrow().type());
        assertArrayEquals(storiesWeights.tensor("output_norm.weight"), ModelWeights.fromGguf(g).tensor("output_norm.weight"));
    }
}
