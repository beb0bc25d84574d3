package org.prefalign.core.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the real stories260K.gguf and checks the facts its README lists, plus tensor values
 * taken from an independent byte-level parse of the file (numpy, little-endian float32).
 */
class GgufStoriesTest {

    static Path stories() {
        return Path.of(System.getProperty("prefalign.shared", "/work/shared"), "models", "stories260K.gguf");
    }

    private static GgufFile gguf;

    @BeforeAll
    static void read() throws IOException {
        gguf = GgufFile.read(stories());
    }

    @Test
    void headerFacts() {
        assertEquals(3, gguf.version());
        assertEquals(32, gguf.alignment());
        assertEquals(19, gguf.metadata().size());
        assertEquals(48, gguf.tensors().size());
        assertEquals(14176, gguf.dataStart());
        assertEquals("llama", gguf.string("general.architecture"));
        assertEquals("llama", gguf.string("tokenizer.ggml.model"));
    }

    @Test
    void hyperParameters() {
        assertEquals(64, gguf.integer("llama.embedding_length"));
        assertEquals(5, gguf.integer("llama.block_count"));
        assertEquals(8, gguf.integer("llama.attention.head_count"));
        assertEquals(4, gguf.integer("llama.attention.head_count_kv"));
        assertEquals(172, gguf.integer("llama.feed_forward_length"));
        assertEquals(2048, gguf.integer("llama.context_length"));
        assertEquals(8, gguf.integer("llama.rope.dimension_count"));
        assertEquals((double) 1e-5f, gguf.number("llama.attention.layer_norm_rms_epsilon"));
        assertEquals(GgufValueType.FLOAT32, gguf.valueType("llama.attention.layer_norm_rms_epsilon").orElseThrow());
        assertEquals(1, gguf.integer("tokenizer.ggml.bos_token_id"));
        assertEquals(2, gguf.integer("tokenizer.ggml.eos_token_id"));
        assertEquals(0, gguf.integer("tokenizer.ggml.unknown_token_id"));
        // uint32 0xffffffff ("no separator") is a value, not -1
        assertEquals(4294967295L, gguf.integer("tokenizer.ggml.seperator_token_id"));
    }

    @Test
    void tokenizerArrays() {
        List<String> tokens = gguf.strings("tokenizer.ggml.tokens");
        assertEquals(512, tokens.size());
        assertEquals(List.of("<unk>", "<s>", "</s>", "<0x00>"), tokens.subList(0, 4));
        assertEquals(512, gguf.floats("tokenizer.ggml.scores").length);
        int[] types = gguf.ints("tokenizer.ggml.token_type");
        assertEquals(512, types.length);
        assertArrayEquals(new int[] {2, 3, 3, 6}, java.util.Arrays.copyOf(types, 4));
        assertEquals(GgufValueType.STRING, gguf.arrayElementType("tokenizer.ggml.tokens").orElseThrow());
    }

    @Test
    void tensorDirectory() {
        for (GgufTensorInfo t : gguf.tensors()) {
            assertEquals(GgmlType.F32, t.type(), t.name());
            assertEquals(0, t.offset() % 32, t.name());
        }
        assertArrayEquals(new long[] {64, 512}, gguf.tensorShape("token_embd.weight"));
        assertArrayEquals(new long[] {64, 512}, gguf.tensorShape("output.weight"));
        assertArrayEquals(new long[] {64}, gguf.tensorShape("output_norm.weight"));
        for (int b = 0; b < 5; b++) {
            String p = "blk." + b + ".";
            assertArrayEquals(new long[] {64, 64}, gguf.tensorShape(p + "attn_q.weight"));
            assertArrayEquals(new long[] {64, 32}, gguf.tensorShape(p + "attn_k.weight"));
            assertArrayEquals(new long[] {64, 32}, gguf.tensorShape(p + "attn_v.weight"));
            assertArrayEquals(new long[] {64, 64}, gguf.tensorShape(p + "attn_output.weight"));
            assertArrayEquals(new long[] {64}, gguf.tensorShape(p + "attn_norm.weight"));
            assertArrayEquals(new long[] {64}, gguf.tensorShape(p + "ffn_norm.weight"));
            assertArrayEquals(new long[] {64, 172}, gguf.tensorShape(p + "ffn_gate.weight"));
            assertArrayEquals(new long[] {64, 172}, gguf.tensorShape(p + "ffn_up.weight"));
            assertArrayEquals(new long[] {172, 64}, gguf.tensorShape(p + "ffn_down.weight"));
        }
        // every tensor here is a multiple of 32 bytes long, so the data section has no padding
        assertEquals(1185376 - 14176, gguf.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum());
    }

    @Test
    void tensorValuesMatchAnIndependentParse() {
        float[] embd = gguf.tensorAsFloats("token_embd.weight");
        assertEquals(64 * 512, embd.length);
        assertArrayEquals(new float[] {-0.29474878311157227f, 0.5618956089019775f, 0.1754225343465805f},
                java.util.Arrays.copyOf(embd, 3));
        assertEquals(-752.3677446640068, sum(embd), 1e-9);
        float[] down = gguf.tensorAsFloats("blk.4.ffn_down.weight");
        assertEquals(172 * 64, down.length);
        assertArrayEquals(new float[] {-0.04791264981031418f, -0.02296368032693863f, -0.018824636936187744f},
                java.util.Arrays.copyOf(down, 3));
        assertEquals(19.543787761240765, sum(down), 1e-9);
        assertEquals(66.58364748954773, sum(gguf.tensorAsFloats("blk.4.ffn_norm.weight")), 1e-9);
    }

    private static double sum(float[] a) {
        double s = 0;
        for (float x : a) {
            s += x;
        }
        return s;
    }

    @Test
    void accessorsNameFileAndKeyOnMisuse() {
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> gguf.integer("llama.nope"));
        assertTrue(absent.getMessage().contains("stories260K.gguf") && absent.getMessage().contains("'llama.nope'"),
                absent.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> gguf.string("llama.block_count"));
        assertTrue(wrong.getMessage().contains("'llama.block_count'") && wrong.getMessage().contains("UINT32"),
                wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gguf.strings("tokenizer.ggml.scores"));
        assertThrows(IllegalArgumentException.class, () -> gguf.ints("tokenizer.ggml.scores"));
        assertThrows(IllegalArgumentException.class, () -> gguf.floats("general.name"));
        IllegalArgumentException tensor = assertThrows(IllegalArgumentException.class, () -> gguf.tensorAsFloats("blk.9.x"));
        assertTrue(tensor.getMessage().contains("stories260K.gguf") && tensor.getMessage().contains("'blk.9.x'"),
                tensor.getMessage());
    }
}
