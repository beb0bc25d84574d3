package org.prefalign.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prefalign.core.io.gguf.GgmlType;
import org.prefalign.core.io.gguf.GgufArray;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.gguf.GgufTensorInfo;
import org.prefalign.core.io.gguf.GgufValueType;
import org.prefalign.core.io.gguf.GgufWriter;
import org.prefalign.core.io.hf.HfTensorNames;
import org.prefalign.core.io.hf.LlamaConfig;
import org.prefalign.core.io.hf.RotaryPermutation;
import org.prefalign.core.io.hf.SafetensorsShards;
import org.prefalign.core.io.safetensors.SafetensorsFile;
import org.prefalign.core.io.safetensors.SafetensorsTensorInfo;
import org.prefalign.core.io.safetensors.SafetensorsWriter;

/**
 * The weights of a Llama-family decoder ({@link LlamaConfig}) as float arrays, in one layout
 * whatever file they came from.
 *
 * <h2>The layout convention</h2>
 * <ul>
 *   <li><b>Names</b> are GGUF names: {@code token_embd.weight}, {@code blk.N.attn_norm.weight},
 *       {@code blk.N.attn_q.weight}, {@code blk.N.attn_k.weight}, {@code blk.N.attn_v.weight},
 *       {@code blk.N.attn_output.weight}, {@code blk.N.ffn_norm.weight},
 *       {@code blk.N.ffn_gate.weight}, {@code blk.N.ffn_up.weight}, {@code blk.N.ffn_down.weight},
 *       {@code output_norm.weight}, {@code output.weight}; with attention biases also
 *       {@code blk.N.attn_q.bias}, {@code attn_k.bias}, {@code attn_v.bias} and, where
 *       {@link LlamaConfig#attentionOutputBias()}, {@code attn_output.bias}. There is no
 *       {@code output.weight} when {@link LlamaConfig#tieWordEmbeddings()}: the head is then
 *       {@code token_embd.weight}. {@link #expectedShapes} lists them all, in a canonical order.</li>
 *   <li><b>Arrays</b> are row-major and <b>{@link #shape} is outermost first</b>, i.e. PyTorch's
 *       order: a linear map from {@code in} to {@code out} features is {@code [out, in]} and
 *       y[o] = Σ_i W[o·in + i]·x[i]. (GGUF lists the same dims innermost first, {@code [in, out]}.)
 *       The embedding is {@code [vocab, hidden]} (row t is token t), norms and biases are {@code [n]}.
 *       <pre>
 *       attn_q [heads·headDim, hidden]   attn_k, attn_v [kvHeads·headDim, hidden]
 *       attn_output [hidden, heads·headDim]
 *       ffn_gate, ffn_up [intermediate, hidden]   ffn_down [hidden, intermediate]
 *       token_embd, output [vocab, hidden]
 *       </pre></li>
 *   <li><b>Rotary layout</b>: the rows of {@code attn_q} and {@code attn_k} (and their biases) are
 *       in llama.cpp's "normal" order, in which RoPE rotates <b>adjacent pairs</b>
 *       (x[2i], x[2i+1]) of each head with frequency θ^(−2i/headDim). That is how Llama GGUF files
 *       store them; Hugging Face checkpoints (and Qwen2 GGUF files, which llama.cpp runs with
 *       "NeoX" half-split RoPE) are converted on load with {@link RotaryPermutation} and back on
 *       {@link #saveHf save}. A model therefore implements one RoPE only.</li>
 * </ul>
 *
 * <p>Arrays are shared, not copied: {@link #of} takes ownership of the arrays it is given and
 * {@link #tensor} returns them. Treat them as read-only unless you own this instance (e.g. an
 * optimizer updating weights in place before {@link #saveHf}).
 */
public final class ModelWeights {

    private final LlamaConfig config;
    private final Map<String, float[]> tensors;
    private final Map<String, long[]> shapes;

    private ModelWeights(LlamaConfig config, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        this.config = config;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.shapes = shapes;
    }

    /**
     * The tensors a model with {@code config} has, by GGUF name, with their shapes (outermost
     * first), in canonical order: embedding, then each block (attention norm, q, k, v, output,
     * feed-forward norm, gate, up, down), then the final norm and the output head.
     */
    public static Map<String, long[]> expectedShapes(LlamaConfig config) {
        long hidden = config.hiddenSize();
        long q = config.queryDim();
        long kv = config.keyValueDim();
        long ff = config.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("token_embd.weight", new long[] {config.vocabSize(), hidden});
        for (int b = 0; b < config.numHiddenLayers(); b++) {
            String p = "blk." + b + ".";
            shapes.put(p + "attn_norm.weight", new long[] {hidden});
            shapes.put(p + "attn_q.weight", new long[] {q, hidden});
            shapes.put(p + "attn_k.weight", new long[] {kv, hidden});
            shapes.put(p + "attn_v.weight", new long[] {kv, hidden});
            if (config.attentionBias()) {
                shapes.put(p + "attn_q.bias", new long[] {q});
                shapes.put(p + "attn_k.bias", new long[] {kv});
                shapes.put(p + "attn_v.bias", new long[] {kv});
            }
            shapes.put(p + "attn_output.weight", new long[] {hidden, q});
            if (config.attentionOutputBias()) {
                shapes.put(p + "attn_output.bias", new long[] {hidden});
            }
            shapes.put(p + "ffn_norm.weight", new long[] {hidden});
            shapes.put(p + "ffn_gate.weight", new long[] {ff, hidden});
            shapes.put(p + "ffn_up.weight", new long[] {ff, hidden});
            shapes.put(p + "ffn_down.weight", new long[] {hidden, ff});
        }
        shapes.put("output_norm.weight", new long[] {hidden});
        if (!config.tieWordEmbeddings()) {
            shapes.put("output.weight", new long[] {config.vocabSize(), hidden});
        }
        return shapes;
    }

    /**
     * Weights for {@code config} from arrays in this class's layout (GGUF names, row-major,
     * adjacent-pair rotary rows). Takes ownership of the arrays.
     *
     * @throws IllegalArgumentException naming the tensor if one is missing, unexpected, or of the
     *                                  wrong length for its shape
     */
    public static ModelWeights of(LlamaConfig config, Map<String, float[]> tensors) {
        Map<String, long[]> shapes = expectedShapes(config);
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] data = tensors.get(e.getKey());
            if (data == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue())
                        + " is missing");
            }
            long n = Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
            if (data.length != n) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' must have shape " + Arrays.toString(e.getValue())
                        + " = " + n + " values, got " + data.length);
            }
            ordered.put(e.getKey(), data);
        }
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' is not part of a " + config.modelType() + " model"
                        + " with this config (expected names: " + shapes.keySet().stream().limit(4).toList() + " ...)");
            }
        }
        return new ModelWeights(config, ordered, shapes);
    }

    /** The model's hyper-parameters. */
    public LlamaConfig config() {
        return config;
    }

    /** The tensor names, in the canonical order of {@link #expectedShapes}. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Whether there is a tensor {@code name}. */
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** Tensor {@code name}'s row-major values (the backing array, not a copy). */
    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' (names: " + names().stream().limit(4).toList() + " ...)");
        }
        return t;
    }

    /** Tensor {@code name}'s shape, outermost first ({@code [out, in]} for a linear weight). */
    public long[] shape(String name) {
        tensor(name);
        return shapes.get(name).clone();
    }

    // ---------------------------------------------------------------- GGUF

    /** Reads the GGUF file at {@code path}; see {@link #fromGguf(GgufFile)}. */
    public static ModelWeights fromGguf(Path path) throws IOException {
        return fromGguf(GgufFile.read(path));
    }

    /**
     * The weights of a llama or qwen2 GGUF file, converted to float (F32, F16, BF16, F64, Q8_0)
     * and, for qwen2, to adjacent-pair rotary rows.
     *
     * @throws ModelFileException naming the file and tensor if a tensor is missing, unexpected,
     *                            mis-shaped or of a type that does not convert to float
     */
    public static ModelWeights fromGguf(GgufFile gguf) throws IOException {
        LlamaConfig config = LlamaConfig.fromGguf(gguf);
        Map<String, long[]> shapes = expectedShapes(config);
        boolean halfSplit = config.modelType().equals("qwen2"); // llama.cpp runs qwen2 with NeoX RoPE, unpermuted
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (GgufTensorInfo t : gguf.tensors()) {
            String field = "tensor '" + t.name() + "'";
            long[] expected = shapes.get(t.name());
            if (expected == null) {
                throw new ModelFileException(gguf.path(), field, -1, "is not part of a " + config.modelType()
                        + " model with this metadata (unsupported feature?)");
            }
            long[] dims = t.dims();
            long[] outermostFirst = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                outermostFirst[i] = dims[dims.length - 1 - i];
            }
            if (!Arrays.equals(outermostFirst, expected)) {
                throw new ModelFileException(gguf.path(), field + " dims", -1, Arrays.toString(dims) + " (innermost first) do not"
                        + " match the metadata, which implies " + Arrays.toString(reversed(expected)));
            }
            if (!t.type().dequantizable()) {
                throw new ModelFileException(gguf.path(), field + " type", -1, t.type()
                        + " does not convert to float (supported: F32, F16, BF16, F64, Q8_0)");
            }
            float[] data;
            try {
                data = gguf.tensorAsFloats(t.name());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            tensors.put(t.name(), halfSplit ? permuteRotaryRows(config, t.name(), data, RotaryDirection.HF_TO_GGUF) : data);
        }
        for (String name : shapes.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new ModelFileException(gguf.path(), "tensor '" + name + "'", -1, "is missing (the metadata implies shape "
                        + Arrays.toString(reversed(shapes.get(name))) + ", innermost first)");
            }
        }
        return of(config, tensors);
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private enum RotaryDirection { HF_TO_GGUF, GGUF_TO_HF }

    /** Permutes the rotary rows of q/k weights and biases in {@code direction}; other tensors pass through. */
    private static float[] permuteRotaryRows(LlamaConfig config, String ggufName, float[] data, RotaryDirection direction) {
        int heads;
        if (ggufName.endsWith(".attn_q.weight") || ggufName.endsWith(".attn_q.bias")) {
            heads = config.numAttentionHeads();
        } else if (ggufName.endsWith(".attn_k.weight") || ggufName.endsWith(".attn_k.bias")) {
            heads = config.numKeyValueHeads();
        } else {
            return data;
        }
        int cols = ggufName.endsWith(".bias") ? 1 : config.hiddenSize();
        return direction == RotaryDirection.HF_TO_GGUF
                ? RotaryPermutation.hfToGguf(data, heads, cols)
                : RotaryPermutation.ggufToHf(data, heads, cols);
    }

    // ---------------------------------------------------------------- Hugging Face

    /**
     * Reads a Hugging Face checkpoint directory: {@code config.json} and either
     * {@code model.safetensors} or a sharded {@code model.safetensors.index.json} with its shards.
     * Names are mapped with {@link HfTensorNames} and q/k rows permuted to adjacent pairs;
     * {@code rotary_emb.inv_freq} buffers are skipped, and so is {@code lm_head.weight} of a tied
     * model.
     *
     * @throws ModelFileException naming the file and tensor if something is missing, unexpected or
     *                            mis-shaped
     */
    public static ModelWeights fromHf(Path dir) throws IOException {
        LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
        Map<String, long[]> shapes = expectedShapes(config);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Path shard : SafetensorsShards.list(dir)) {
            SafetensorsFile file = SafetensorsFile.read(shard);
            for (SafetensorsTensorInfo t : file.tensors()) {
                String field = "tensor '" + t.name() + "'";
                if (t.name().endsWith("rotary_emb.inv_freq")
                        || (config.tieWordEmbeddings() && t.name().equals("lm_head.weight"))) {
                    continue;
                }
                String name = HfTensorNames.toGguf(t.name()).orElseThrow(() -> new ModelFileException(shard, field, -1,
                        "is not a tensor of a Llama-family model"));
                long[] expected = shapes.get(name);
                if (expected == null) {
                    throw new ModelFileException(shard, field, -1, "is not part of a model with this config.json");
                }
                if (!Arrays.equals(t.shape(), expected)) {
                    throw new ModelFileException(shard, field + " shape", -1, Arrays.toString(t.shape())
                            + " does not match config.json, which implies " + Arrays.toString(expected));
                }
                if (tensors.containsKey(name)) {
                    throw new ModelFileException(shard, field, -1, "appears in more than one shard");
                }
                if (t.dtype().floatEncoding().isEmpty()) {
                    throw new ModelFileException(shard, field + " dtype", -1, t.dtype() + " is not a float dtype");
                }
                float[] data;
                try {
                    data = file.tensorAsFloats(t.name());
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                tensors.put(name, permuteRotaryRows(config, name, data, RotaryDirection.HF_TO_GGUF));
            }
        }
        for (String name : shapes.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new ModelFileException(dir, "tensor '" + HfTensorNames.toHf(name).orElse(name) + "'", -1,
                        "is missing from the checkpoint");
            }
        }
        return of(config, tensors);
    }

    /** Saves as a Hugging Face checkpoint with float32 weights; see {@link #saveHf(Path, FloatEncoding)}. */
    public void saveHf(Path dir) throws IOException {
        saveHf(dir, FloatEncoding.F32);
    }

    /**
     * Saves as a Hugging Face checkpoint: {@code config.json} and {@code model.safetensors}
     * (metadata {@code format: pt}) with HF names, q/k rows in HF's half-split rotary order, and
     * values in {@code encoding} (F32 is exact; F16/BF16 round to nearest even). Each file is
     * written atomically; the directory is created if needed.
     */
    public void saveHf(Path dir, FloatEncoding encoding) throws IOException {
        Files.createDirectories(dir);
        SafetensorsWriter writer = new SafetensorsWriter(encoding).metadata("format", "pt");
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            String hfName = HfTensorNames.toHf(e.getKey()).orElseThrow();
            writer.tensor(hfName, shapes.get(e.getKey()), permuteRotaryRows(config, e.getKey(), e.getValue(),
                    RotaryDirection.GGUF_TO_HF));
        }
        writer.write(dir.resolve("model.safetensors"));
        config.write(dir.resolve("config.json"));
    }

    // ---------------------------------------------------------------- GGUF export

    /**
     * Saves as a GGUF v3 file that llama.cpp can run: the architecture metadata from
     * {@link #config()} ({@code general.architecture} llama or qwen2 and the {@code <arch>.*} keys
     * {@link LlamaConfig#fromGguf} reads), every {@code tokenizer.*} key copied from
     * {@code tokenizerSource} (may be null for weights only) with the config's BOS and first EOS
     * id, and the tensors: matrices in
     * {@code matrixType} (F32, F16, BF16 or Q8_0; F32 where a row length is not a multiple of the
     * type's block) and vectors in F32, as llama.cpp's converter does. Qwen2 q/k rows are written
     * half-split, the order llama.cpp expects for it. The file is written atomically.
     *
     * @throws IllegalArgumentException if the RoPE scaling has no GGUF metadata form (only linear
     *                                  scaling does) or a tokenizer key holds nested arrays
     */
    public void saveGguf(Path file, GgmlType matrixType, GgufFile tokenizerSource) throws IOException {
        String arch = config.modelType().equals("qwen2") ? "qwen2" : "llama";
        String p = arch + ".";
        GgufWriter writer = new GgufWriter(3)
                .putString("general.architecture", arch)
                .putUint32(p + "context_length", config.maxPositionEmbeddings())
                .putUint32(p + "embedding_length", config.hiddenSize())
                .putUint32(p + "feed_forward_length", config.intermediateSize())
                .putUint32(p + "block_count", config.numHiddenLayers())
                .putUint32(p + "attention.head_count", config.numAttentionHeads())
                .putUint32(p + "attention.head_count_kv", config.numKeyValueHeads())
                .putUint32(p + "attention.key_length", config.headDim())
                .putUint32(p + "attention.value_length", config.headDim())
                .putUint32(p + "rope.dimension_count", config.headDim())
                .putUint32(p + "vocab_size", config.vocabSize())
                .putFloat32(p + "attention.layer_norm_rms_epsilon", (float) config.rmsNormEps())
                .putFloat32(p + "rope.freq_base", (float) config.ropeTheta());
        if (!config.ropeScaling().isEmpty()) {
            Object type = config.ropeScaling().getOrDefault("rope_type", config.ropeScaling().get("type"));
            if (!"linear".equals(type)) {
                throw new IllegalArgumentException("rope_scaling type '" + type + "' has no GGUF metadata form (only linear)");
            }
            writer.putString(p + "rope.scaling.type", "linear")
                    .putFloat32(p + "rope.scaling.factor", ((Number) config.ropeScaling().get("factor")).floatValue());
        }
        if (tokenizerSource != null) {
            copyTokenizer(tokenizerSource, writer);
        }
        // the config's special tokens win over the source's (GGUF has room for one end-of-sequence id)
        if (config.bosTokenId().isPresent()) {
            writer.putUint32("tokenizer.ggml.bos_token_id", config.bosTokenId().getAsInt());
        }
        if (!config.eosTokenIds().isEmpty()) {
            writer.putUint32("tokenizer.ggml.eos_token_id", config.eosTokenIds().get(0));
        }
        boolean halfSplit = arch.equals("qwen2");
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            long[] shape = shapes.get(e.getKey());
            long[] dims = reversed(shape);
            GgmlType type = shape.length == 2 && dims[0] % matrixType.blockSize() == 0 ? matrixType : GgmlType.F32;
            float[] data = halfSplit ? permuteRotaryRows(config, e.getKey(), e.getValue(), RotaryDirection.GGUF_TO_HF)
                    : e.getValue();
            writer.tensor(e.getKey(), dims, type, data);
        }
        writer.write(file);
    }

    private static void copyTokenizer(GgufFile source, GgufWriter writer) {
        for (Map.Entry<String, Object> m : source.metadata().entrySet()) {
            String key = m.getKey();
            if (!key.startsWith("tokenizer.")) {
                continue;
            }
            GgufValueType type = source.valueType(key).orElseThrow();
            if (type == GgufValueType.ARRAY) {
                GgufValueType element = source.arrayElementType(key).orElseThrow();
                if (element == GgufValueType.ARRAY) {
                    throw new IllegalArgumentException(source.path() + ": tokenizer key '" + key + "' holds nested arrays");
                }
                writer.put(key, type, new GgufArray(element, (List<?>) m.getValue()));
            } else {
                writer.put(key, type, m.getValue());
            }
        }
    }
}
