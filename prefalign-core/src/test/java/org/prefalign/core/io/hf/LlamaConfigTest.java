package org.prefalign.core.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.gguf.GgufFile;

class LlamaConfigTest {

    @TempDir
    Path dir;

    private Path json(String text) throws IOException {
        return Files.writeString(dir.resolve("config.json"), text);
    }

    /** Llama 3.2 1B's config.json, abridged to the keys that matter plus some that do not. */
    private static final String LLAMA_32 = """
            {
              "architectures": ["LlamaForCausalLM"],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 128000,
              "eos_token_id": [128001, 128008, 128009],
              "head_dim": 64,
              "hidden_act": "silu",
              "hidden_size": 2048,
              "initializer_range": 0.02,
              "intermediate_size": 8192,
              "max_position_embeddings": 131072,
              "mlp_bias": false,
              "model_type": "llama",
              "num_attention_heads": 32,
              "num_hidden_layers": 16,
              "num_key_value_heads": 8,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                               "original_max_position_embeddings": 8192, "rope_type": "llama3"},
              "rope_theta": 500000.0,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.45.0.dev0",
              "use_cache": true,
              "vocab_size": 128256
            }
            """;

    @Test
    void readsALlama3Config() throws IOException {
        LlamaConfig c = LlamaConfig.read(json(LLAMA_32));
        assertEquals("llama", c.modelType());
        assertEquals(2048, c.hiddenSize());
        assertEquals(8192, c.intermediateSize());
        assertEquals(16, c.numHiddenLayers());
        assertEquals(32, c.numAttentionHeads());
        assertEquals(8, c.numKeyValueHeads());
        assertEquals(64, c.headDim());
        assertEquals(128256, c.vocabSize());
        assertEquals(131072, c.maxPositionEmbeddings());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals("llama3", c.ropeScaling().get("rope_type"));
        assertEquals(32.0, c.ropeScaling().get("factor"));
        assertTrue(c.tieWordEmbeddings());
        assertFalse(c.attentionBias());
        assertFalse(c.attentionOutputBias());
        assertEquals(OptionalInt.of(128000), c.bosTokenId());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals(2048, c.queryDim());
        assertEquals(512, c.keyValueDim());
    }

    @Test
    void writeThenReadGivesTheSameConfig() throws IOException {
        LlamaConfig c = LlamaConfig.read(json(LLAMA_32));
        Path out = dir.resolve("out/config.json");
        c.write(out);
        assertEquals(c, LlamaConfig.read(out));
        LlamaConfig qwen = LlamaConfig.read(json("""
                {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
                 "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936, "rms_norm_eps": 1e-6,
                 "rope_theta": 1000000.0, "tie_word_embeddings": true, "use_sliding_window": false,
                 "sliding_window": 32768, "bos_token_id": 151643, "eos_token_id": 151645}
                """));
        qwen.write(out);
        assertEquals(qwen, LlamaConfig.read(out));
        assertFalse(Files.readString(out).contains("attention_bias"), "Qwen2 biases are implied by model_type");
    }

    @Test
    void qwen2ImpliesQkvBiasesButNoOutputBias() throws IOException {
        LlamaConfig c = LlamaConfig.read(json("""
                {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
                 "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936}
                """));
        assertTrue(c.attentionBias());
        assertFalse(c.attentionOutputBias());
        assertEquals(64, c.headDim());
        LlamaConfig biased = LlamaConfig.read(json("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10, "attention_bias": true}
                """));
        assertTrue(biased.attentionBias());
        assertTrue(biased.attentionOutputBias(), "Llama's attention_bias covers o_proj too");
    }

    @Test
    void defaultsFollowTransformersLlamaConfig() throws IOException {
        LlamaConfig c = LlamaConfig.read(json("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "vocab_size": 10}
                """));
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(16, c.headDim());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(Map.of(), c.ropeScaling());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(OptionalInt.empty(), c.bosTokenId());
        assertEquals(List.of(), c.eosTokenIds());
    }

    @Test
    void readsTransformers5RopeParameters() throws IOException {
        LlamaConfig c = LlamaConfig.read(json("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "vocab_size": 10,
                 "rope_parameters": {"rope_theta": 500000.0, "rope_type": "default"}}
                """));
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(Map.of(), c.ropeScaling());
    }

    private void rejects(String text, String... parts) throws IOException {
        Path file = json(text);
        ModelFileException e = assertThrows(ModelFileException.class, () -> LlamaConfig.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    private static String with(String extra) {
        return "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 4, \"vocab_size\": 10" + extra + "}";
    }

    @Test
    void invalidConfigsNameFileAndField() throws IOException {
        rejects("{\"model_type\": \"llama\", \"intermediate_size\": 128, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 4, \"vocab_size\": 10}", "hidden_size", "missing");
        rejects(with(", \"hidden_size\": \"64\"").replace("\"hidden_size\": 64, ", ""), "hidden_size", "integer");
        rejects(with(", \"num_key_value_heads\": 3"), "num_key_value_heads", "divide");
        rejects(with(", \"hidden_act\": \"gelu\""), "hidden_act", "silu");
        rejects(with(", \"mlp_bias\": true"), "mlp_bias");
        rejects(with(", \"rms_norm_eps\": -1"), "rms_norm_eps", "> 0");
        rejects(with(", \"rope_theta\": 0"), "rope_theta");
        rejects(with(", \"eos_token_id\": 10"), "eos_token_id", "[0, vocab_size = 10)");
        rejects(with(", \"rope_scaling\": {\"factor\": 2.0}"), "rope_scaling", "rope_type");
        rejects(with(", \"head_dim\": 15"), "head_dim", "even");
        rejects(with("").replace("\"llama\"", "\"gemma\""), "model_type", "'gemma'");
        rejects(with("").replace("\"llama\"", "\"mistral\"").replace("}", ", \"sliding_window\": 4096}"), "sliding_window");
        rejects("{\"model_type\": ", "JSON", "not valid JSON");
        rejects("[1]", "JSON object");
        rejects(with("").replace("\"hidden_size\": 64", "\"hidden_size\": 66"), "hidden_size", "multiple of num_attention_heads");
    }

    @Test
    void fromStoriesGgufMetadata() throws IOException {
        Path stories = Path.of(System.getProperty("prefalign.shared", "/work/shared"), "models", "stories260K.gguf");
        // eps is stored as float32 1e-5f; the config reports the decimal it stands for, 1e-5
        LlamaConfig c = LlamaConfig.fromGguf(GgufFile.read(stories));
        assertEquals(new LlamaConfig("llama", 64, 172, 5, 8, 4, 8, 512, 2048, 1e-5, 10000.0, Map.of(), false, false, false,
                OptionalInt.of(1), List.of(2)), c);
    }
}
