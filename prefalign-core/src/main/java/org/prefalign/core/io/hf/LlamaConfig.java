package org.prefalign.core.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.prefalign.core.io.AtomicFiles;
import org.prefalign.core.io.JsonFiles;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.gguf.GgufTensorInfo;
import org.prefalign.core.io.gguf.GgufValueType;

/**
 * The hyper-parameters of a Llama-family decoder (Llama 1-3, Mistral without sliding window,
 * Qwen2), as Hugging Face's {@code config.json} names them, validated on construction.
 *
 * <p>The architecture: token embedding; {@code numHiddenLayers} blocks of pre-RMSNorm grouped-query
 * attention with rotary position embeddings, and a pre-RMSNorm SwiGLU feed-forward of width
 * {@code intermediateSize}; a final RMSNorm and the output head (the embedding matrix itself when
 * {@code tieWordEmbeddings}). Read from {@code config.json} with
 * {@link #read}, from GGUF metadata with {@link #fromGguf}; written with {@link #write}.
 *
 * @param modelType             {@code "llama"}, {@code "mistral"} or {@code "qwen2"}
 * @param hiddenSize            model width d ({@code hidden_size}; GGUF {@code embedding_length})
 * @param intermediateSize      SwiGLU width ({@code intermediate_size}; GGUF {@code feed_forward_length})
 * @param numHiddenLayers       number of decoder blocks ({@code num_hidden_layers}; GGUF {@code block_count})
 * @param numAttentionHeads     query heads ({@code num_attention_heads}; GGUF {@code attention.head_count})
 * @param numKeyValueHeads      key/value heads, dividing the query heads ({@code num_key_value_heads};
 *                              GGUF {@code attention.head_count_kv}); each serves
 *                              {@code numAttentionHeads / numKeyValueHeads} query heads
 * @param headDim               per-head width, even ({@code head_dim}, default hidden_size / num_attention_heads)
 * @param vocabSize             vocabulary size ({@code vocab_size})
 * @param maxPositionEmbeddings context length ({@code max_position_embeddings}; GGUF {@code context_length})
 * @param rmsNormEps            RMSNorm epsilon ({@code rms_norm_eps}; GGUF {@code attention.layer_norm_rms_epsilon})
 * @param ropeTheta             RoPE base ({@code rope_theta}; GGUF {@code rope.freq_base})
 * @param ropeScaling           HF's {@code rope_scaling} object unchanged (empty when absent): it
 *                              names a {@code rope_type}/{@code type} and its parameters
 * @param tieWordEmbeddings     whether the output head is the token embedding matrix
 * @param attentionBias         whether q, k and v projections have biases ({@code attention_bias}
 *                              for Llama; always for Qwen2)
 * @param attentionOutputBias   whether the attention output projection has a bias (Llama's
 *                              {@code attention_bias} covers it too; Qwen2 has none)
 * @param bosTokenId            beginning-of-sequence token, if any
 * @param eosTokenIds           end-of-sequence tokens (HF allows a list), possibly empty
 */
public record LlamaConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        Map<String, Object> ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean attentionOutputBias,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds) {

    /** The model types this record describes. */
    public static final List<String> MODEL_TYPES = List.of("llama", "mistral", "qwen2");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type must be one of " + MODEL_TYPES + ", got '" + modelType + "'");
        }
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_key_value_heads (" + numKeyValueHeads
                    + ") must divide num_attention_heads (" + numAttentionHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even (RoPE rotates pairs), got " + headDim);
        }
        if (!(rmsNormEps > 0) || !Double.isFinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be finite and > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be finite and > 0, got " + ropeTheta);
        }
        ropeScaling = Collections.unmodifiableMap(new LinkedHashMap<>(ropeScaling));
        if (!ropeScaling.isEmpty()) {
            Object type = ropeScaling.getOrDefault("rope_type", ropeScaling.get("type"));
            if (!(type instanceof String)) {
                throw new IllegalArgumentException("rope_scaling must name its rope_type (or type), got " + ropeScaling);
            }
            Object factor = ropeScaling.get("factor");
            if (factor != null && !(factor instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue()))) {
                throw new IllegalArgumentException("rope_scaling.factor must be a finite number > 0, got " + factor);
            }
        }
        if (bosTokenId.isPresent() && (bosTokenId.getAsInt() < 0 || bosTokenId.getAsInt() >= vocabSize)) {
            throw new IllegalArgumentException("bos_token_id must be in [0, vocab_size = " + vocabSize + "), got "
                    + bosTokenId.getAsInt());
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        for (int eos : eosTokenIds) {
            if (eos < 0 || eos >= vocabSize) {
                throw new IllegalArgumentException("eos_token_id must be in [0, vocab_size = " + vocabSize + "), got " + eos);
            }
        }
    }

    /** The field a constructor message is about: every message starts with the HF field name. */
    private static String fieldOf(IllegalArgumentException e) {
        return e.getMessage().split(" ", 2)[0];
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be ≥ 1, got " + value);
        }
    }

    /** Rows of the query projection: {@code numAttentionHeads · headDim}. */
    public int queryDim() {
        return numAttentionHeads * headDim;
    }

    /** Rows of the key and value projections: {@code numKeyValueHeads · headDim}. */
    public int keyValueDim() {
        return numKeyValueHeads * headDim;
    }

    // ---------------------------------------------------------------- config.json

    /**
     * Reads a Hugging Face {@code config.json}. Required: {@code model_type} (llama, mistral,
     * qwen2), {@code hidden_size}, {@code intermediate_size}, {@code num_hidden_layers},
     * {@code num_attention_heads}, {@code vocab_size}. Defaults as in transformers' LlamaConfig:
     * {@code num_key_value_heads} = heads, {@code head_dim} = hidden/heads,
     * {@code max_position_embeddings} 2048, {@code rms_norm_eps} 1e-6, {@code rope_theta} 10000
     * (also read from transformers 5's {@code rope_parameters}), no scaling, untied, no biases.
     * Features that change the math and are not implemented ({@code hidden_act} other than silu,
     * {@code mlp_bias}, sliding-window attention) are rejected. Unknown keys are ignored (HF
     * configs carry many that do not concern the forward pass).
     *
     * @throws ModelFileException naming the file and the field when the JSON is malformed, a
     *                            field has the wrong type, or a value is out of range
     */
    public static LlamaConfig read(Path configJson) throws IOException {
        return fromJson(JsonFiles.readObject(configJson), configJson);
    }

    /** Builds a config from a parsed {@code config.json} object; {@code source} names it in errors. */
    public static LlamaConfig fromJson(ObjectNode json, Path source) throws ModelFileException {
        JsonFields f = new JsonFields(json, source);
        String modelType = f.string("model_type");
        if (!MODEL_TYPES.contains(modelType)) {
            throw new ModelFileException(source, "model_type", -1, "'" + modelType
                    + "' is not a Llama-family model this library runs (" + MODEL_TYPES + ")");
        }
        String act = f.optionalString("hidden_act").orElse("silu");
        if (!act.equals("silu")) {
            throw new ModelFileException(source, "hidden_act", -1, "only 'silu' (SwiGLU) is supported, got '" + act + "'");
        }
        if (f.optionalBool("mlp_bias").orElse(false)) {
            throw new ModelFileException(source, "mlp_bias", -1, "feed-forward biases are not supported");
        }
        if (f.optionalBool("use_sliding_window").orElse(false)
                || (modelType.equals("mistral") && json.hasNonNull("sliding_window"))) {
            throw new ModelFileException(source, "sliding_window", -1, "sliding-window attention is not supported");
        }
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        int kvHeads = f.optionalInteger("num_key_value_heads").orElse(heads);
        int headDim = f.optionalInteger("head_dim").orElse(-1);
        if (headDim < 0) {
            if (hidden % heads != 0) {
                throw new ModelFileException(source, "hidden_size", -1, "hidden_size " + hidden
                        + " is not a multiple of num_attention_heads " + heads + " and no head_dim is given");
            }
            headDim = hidden / heads;
        }
        double ropeTheta;
        Map<String, Object> ropeScaling;
        JsonNode ropeParameters = json.get("rope_parameters"); // transformers ≥ 5 moves RoPE settings here
        if (ropeParameters != null && ropeParameters.isObject() && !json.has("rope_theta")) {
            JsonFields rp = new JsonFields((ObjectNode) ropeParameters, source, "rope_parameters.");
            ropeTheta = rp.optionalNumber("rope_theta").orElse(10000.0);
            Map<String, Object> params = f.object("rope_parameters");
            params.remove("rope_theta");
            ropeScaling = "default".equals(params.getOrDefault("rope_type", "default")) && params.size() <= 1
                    ? Map.of() : params;
        } else {
            ropeTheta = f.optionalNumber("rope_theta").orElse(10000.0);
            ropeScaling = json.hasNonNull("rope_scaling") ? f.object("rope_scaling") : Map.of();
        }
        boolean qwen2 = modelType.equals("qwen2");
        boolean attentionBias = f.optionalBool("attention_bias").orElse(false);
        OptionalInt bos = json.hasNonNull("bos_token_id") ? OptionalInt.of(f.integer("bos_token_id")) : OptionalInt.empty();
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = json.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            for (int i = 0; i < eosNode.size(); i++) {
                eos.add(JsonFields.asInt(eosNode.get(i), source, "eos_token_id[" + i + "]"));
            }
        } else if (eosNode != null && !eosNode.isNull()) {
            eos.add(f.integer("eos_token_id"));
        }
        try {
            return new LlamaConfig(modelType, hidden, f.integer("intermediate_size"), f.integer("num_hidden_layers"), heads,
                    kvHeads, headDim, f.integer("vocab_size"), f.optionalInteger("max_position_embeddings").orElse(2048),
                    f.optionalNumber("rms_norm_eps").orElse(1e-6), ropeTheta, ropeScaling,
                    f.optionalBool("tie_word_embeddings").orElse(false), qwen2 || attentionBias, !qwen2 && attentionBias,
                    bos, eos);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source, fieldOf(e), -1, e.getMessage(), e);
        }
    }

    /** This config as a Hugging Face {@code config.json} object (float32 weights). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        String architecture = switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> "LlamaForCausalLM";
        };
        o.putArray("architectures").add(architecture);
        o.put("model_type", modelType);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim);
        o.put("vocab_size", vocabSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling.isEmpty()) {
            o.putNull("rope_scaling");
        } else {
            o.set("rope_scaling", JSON.valueToTree(ropeScaling));
        }
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (!modelType.equals("qwen2")) {
            if (attentionBias != attentionOutputBias) {
                throw new IllegalStateException("a " + modelType + " config.json cannot express q/k/v biases without an"
                        + " output bias (attention_bias covers all four projections)");
            }
            o.put("attention_bias", attentionBias);
        } else if (!attentionBias || attentionOutputBias) {
            throw new IllegalStateException("Qwen2 always has q/k/v biases and no output bias");
        }
        o.put("hidden_act", "silu");
        if (bosTokenId.isPresent()) {
            o.put("bos_token_id", bosTokenId.getAsInt());
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (eosTokenIds.size() > 1) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        o.put("torch_dtype", "float32");
        return o;
    }

    /** Writes this config as {@code config.json} at {@code path}, atomically. */
    public void write(Path path) throws IOException {
        byte[] bytes = (JSON.writeValueAsString(toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> out.write(bytes));
    }

    // ---------------------------------------------------------------- GGUF metadata

    /**
     * Builds the config from a GGUF file's metadata ({@code general.architecture} llama or qwen2,
     * keys {@code <arch>.embedding_length}, {@code .feed_forward_length}, {@code .block_count},
     * {@code .attention.head_count}, {@code .attention.head_count_kv} (default: head_count),
     * {@code .attention.key_length} (default: embedding/heads), {@code .context_length},
     * {@code .attention.layer_norm_rms_epsilon}, {@code .rope.freq_base} (default 10000),
     * {@code .rope.scaling.type}/{@code .factor}; vocabulary size from {@code .vocab_size}, else the
     * token list, else the embedding tensor). The head is tied when there is no
     * {@code output.weight}; biases are present when {@code blk.0.attn_q.bias} /
     * {@code blk.0.attn_output.bias} are.
     *
     * @throws ModelFileException naming the file and key if a key is missing or out of range, or
     *                            the rotary dimension is not the whole head (partial RoPE)
     */
    public static LlamaConfig fromGguf(GgufFile gguf) throws ModelFileException {
        Path file = gguf.path();
        String arch = ggufString(gguf, "general.architecture");
        if (!arch.equals("llama") && !arch.equals("qwen2")) {
            throw new ModelFileException(file, "general.architecture", -1, "'" + arch
                    + "' is not a Llama-family architecture this library runs (llama, qwen2)");
        }
        String p = arch + ".";
        int hidden = ggufInt(gguf, p + "embedding_length");
        int heads = ggufInt(gguf, p + "attention.head_count");
        int kvHeads = gguf.get(p + "attention.head_count_kv").isPresent() ? ggufInt(gguf, p + "attention.head_count_kv") : heads;
        int headDim = gguf.get(p + "attention.key_length").isPresent() ? ggufInt(gguf, p + "attention.key_length")
                : hidden / Math.max(1, heads);
        if (gguf.get(p + "rope.dimension_count").isPresent() && ggufInt(gguf, p + "rope.dimension_count") != headDim) {
            throw new ModelFileException(file, p + "rope.dimension_count", -1, "partial rotary embeddings ("
                    + ggufInt(gguf, p + "rope.dimension_count") + " of " + headDim + " head dims) are not supported");
        }
        int vocab;
        if (gguf.get(p + "vocab_size").isPresent()) {
            vocab = ggufInt(gguf, p + "vocab_size");
        } else if (gguf.get("tokenizer.ggml.tokens").isPresent()) {
            vocab = gguf.strings("tokenizer.ggml.tokens").size();
        } else {
            GgufTensorInfo embd = gguf.tensor("token_embd.weight").orElseThrow(() -> new ModelFileException(file,
                    p + "vocab_size", -1, "absent, and neither tokenizer.ggml.tokens nor token_embd.weight gives it"));
            vocab = (int) embd.dims()[embd.dims().length - 1];
        }
        Map<String, Object> scaling = new LinkedHashMap<>();
        Optional<Object> scalingType = gguf.get(p + "rope.scaling.type");
        if (scalingType.isPresent() && !"none".equals(scalingType.get())) {
            scaling.put("rope_type", ggufString(gguf, p + "rope.scaling.type"));
            if (gguf.get(p + "rope.scaling.factor").isPresent()) {
                scaling.put("factor", ggufNumber(gguf, p + "rope.scaling.factor"));
            }
        }
        boolean qwen2 = arch.equals("qwen2");
        boolean qkvBias = gguf.tensor("blk.0.attn_q.bias").isPresent();
        boolean outputBias = gguf.tensor("blk.0.attn_output.bias").isPresent();
        OptionalInt bos = gguf.get("tokenizer.ggml.bos_token_id").isPresent()
                ? OptionalInt.of(ggufInt(gguf, "tokenizer.ggml.bos_token_id")) : OptionalInt.empty();
        List<Integer> eos = gguf.get("tokenizer.ggml.eos_token_id").isPresent()
                ? List.of(ggufInt(gguf, "tokenizer.ggml.eos_token_id")) : List.of();
        try {
            return new LlamaConfig(qwen2 ? "qwen2" : "llama", hidden, ggufInt(gguf, p + "feed_forward_length"),
                    ggufInt(gguf, p + "block_count"), heads, kvHeads, headDim, vocab, ggufInt(gguf, p + "context_length"),
                    gguf.get(p + "attention.layer_norm_rms_epsilon").isPresent()
                            ? ggufNumber(gguf, p + "attention.layer_norm_rms_epsilon") : 1e-5,
                    gguf.get(p + "rope.freq_base").isPresent() ? ggufNumber(gguf, p + "rope.freq_base") : 10000.0,
                    scaling, gguf.tensor("output.weight").isEmpty(), qwen2 || qkvBias, outputBias, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "metadata (HF name " + fieldOf(e) + ")", -1, e.getMessage(), e);
        }
    }

    private static String ggufString(GgufFile gguf, String key) throws ModelFileException {
        try {
            return gguf.string(key);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(gguf.path(), "metadata '" + key + "'", -1, e.getMessage(), e);
        }
    }

    private static int ggufInt(GgufFile gguf, String key) throws ModelFileException {
        try {
            long v = gguf.integer(key);
            if (v != (int) v) {
                throw new ModelFileException(gguf.path(), "metadata '" + key + "'", -1, v + " does not fit in an int");
            }
            return (int) v;
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(gguf.path(), "metadata '" + key + "'", -1, e.getMessage(), e);
        }
    }

    /**
     * A numeric GGUF value; a float32 one becomes the shortest decimal that rounds to it (1e-5f →
     * 1e-5, as the HF config it was converted from most likely said) rather than its exact binary
     * value (9.99999974737875e-6).
     */
    private static double ggufNumber(GgufFile gguf, String key) throws ModelFileException {
        try {
            double v = gguf.number(key);
            return gguf.valueType(key).orElseThrow() == GgufValueType.FLOAT32 ? Double.parseDouble(Float.toString((float) v)) : v;
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(gguf.path(), "metadata '" + key + "'", -1, e.getMessage(), e);
        }
    }
}
