package org.prefalign.feedback.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.io.JsonFiles;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.hf.HfTensorNames;
import org.prefalign.core.io.hf.LlamaConfig;
import org.prefalign.core.io.hf.SafetensorsShards;
import org.prefalign.core.io.safetensors.SafetensorsFile;
import org.prefalign.core.io.safetensors.SafetensorsTensorInfo;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.ScalarHead;

/**
 * A reward model read from a checkpoint directory in Hugging Face's sequence-classification
 * layout (transformers' {@code LlamaForSequenceClassification}, {@code Qwen2ForSequenceClassification},
 * and what TRL's reward trainer saves): {@code config.json}, and {@code model.safetensors} (or a
 * sharded {@code model.safetensors.index.json}) holding the decoder's {@code model.*} tensors and
 * the score head {@code score.weight} of shape [num_labels = 1, hidden] (a {@code score.bias}
 * [1] is read too where present). An {@code lm_head.weight} (a causal-LM checkpoint with a head
 * added) and {@code rotary_emb.inv_freq} buffers are ignored: scoring reads only the final hidden
 * states.
 *
 * <p>The decoder keeps Hugging Face's half-split rotary layout (no permutation on load). It has
 * no language-model head of its own: it is built with the head tied to the embedding, so its
 * logits are those of a tied model and mean nothing; only {@link #backbone()}'s hidden states and
 * {@link #head()} are used.
 *
 * @param config   the checkpoint's {@code config.json}
 * @param backbone the decoder
 * @param head     the score head, parameters {@code score.weight} (and {@code score.bias})
 */
public record RewardCheckpoint(LlamaConfig config, LlamaModel backbone, ScalarHead head) {

    private static final String SCORE = "score.weight";
    private static final String SCORE_BIAS = "score.bias";

    /**
     * Reads the checkpoint in {@code dir} into float32 parameters.
     *
     * @throws ModelFileException naming the file and the tensor or field when {@code config.json}
     *                            or the weights are missing, malformed, mis-shaped, not a float
     *                            dtype, or belong to another model (e.g. {@code num_labels} ≠ 1)
     */
    public static RewardCheckpoint read(Path dir) throws IOException {
        Path configJson = dir.resolve("config.json");
        if (!Files.isRegularFile(configJson)) {
            throw new ModelFileException(dir, "config.json", -1, "is missing: a reward-model checkpoint directory holds"
                    + " config.json and model.safetensors");
        }
        ObjectNode json = JsonFiles.readObject(configJson);
        LlamaConfig config = LlamaConfig.fromJson(json, configJson);
        requireOneLabel(json, configJson);
        DecoderConfig hf = DecoderConfig.fromHf(config, RopePairing.HALF_SPLIT);
        DecoderConfig decoder = new DecoderConfig(hf.dim(), hf.layers(), hf.heads(), hf.kvHeads(), hf.headDim(), hf.ffnDim(),
                hf.vocabSize(), hf.rmsEps(), hf.ropeTheta(), hf.ropePairing(), hf.ropeScaling(), true, hf.qkvBias(),
                hf.outputBias(), hf.contextLength());
        Map<String, long[]> expected = LlamaModel.parameterShapes(decoder);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        INDArray score = null;
        INDArray bias = null;
        List<Path> shards = SafetensorsShards.list(dir);
        for (Path shard : shards) {
            SafetensorsFile file = SafetensorsFile.read(shard);
            for (SafetensorsTensorInfo t : file.tensors()) {
                String name = t.name();
                String field = "tensor '" + name + "'";
                if (name.endsWith("rotary_emb.inv_freq") || name.equals("lm_head.weight")) {
                    continue;
                }
                long[] shape;
                if (name.equals(SCORE)) {
                    shape = new long[] {1, config.hiddenSize()};
                    if (t.shape().length == 2 && t.shape()[0] != 1 && t.shape()[1] == config.hiddenSize()) {
                        throw new ModelFileException(shard, field + " shape", -1, Arrays.toString(t.shape()) + " scores "
                                + t.shape()[0] + " labels; a reward model has one (num_labels = 1): expected "
                                + Arrays.toString(shape));
                    }
                } else if (name.equals(SCORE_BIAS)) {
                    shape = new long[] {1};
                } else {
                    String gguf = HfTensorNames.toGguf(name).orElseThrow(() -> new ModelFileException(shard, field, -1,
                            "is not a tensor of a Llama-family reward model (expected model.* and score.weight)"));
                    shape = expected.get(gguf);
                    if (shape == null) {
                        throw new ModelFileException(shard, field, -1, "is not part of a model with this config.json");
                    }
                }
                if (!Arrays.equals(t.shape(), shape)) {
                    throw new ModelFileException(shard, field + " shape", -1, Arrays.toString(t.shape())
                            + " does not match config.json, which implies " + Arrays.toString(shape));
                }
                if (t.dtype().floatEncoding().isEmpty()) {
                    throw new ModelFileException(shard, field + " dtype", -1, t.dtype() + " is not a float dtype");
                }
                INDArray values = Nd4j.create(floats(file, name), shape, 'c').castTo(DataType.FLOAT);
                boolean duplicate;
                if (name.equals(SCORE)) {
                    duplicate = score != null;
                    score = values;
                } else if (name.equals(SCORE_BIAS)) {
                    duplicate = bias != null;
                    bias = values;
                } else {
                    duplicate = weights.put(HfTensorNames.toGguf(name).orElseThrow(), values) != null;
                }
                if (duplicate) {
                    throw new ModelFileException(shard, field, -1, "appears in more than one shard");
                }
            }
        }
        Path where = shards.size() == 1 ? shards.get(0) : dir;
        for (String name : expected.keySet()) {
            if (!weights.containsKey(name)) {
                throw new ModelFileException(where, "tensor '" + HfTensorNames.toHf(name).orElse(name) + "'", -1,
                        "is missing from the checkpoint");
            }
        }
        if (score == null) {
            throw new ModelFileException(where, "tensor '" + SCORE + "'", -1, "is missing: a reward model needs its score head"
                    + " [1, " + config.hiddenSize() + "] (the sequence-classification head of HF's *ForSequenceClassification)");
        }
        return new RewardCheckpoint(config, LlamaModel.create(decoder, weights), ScalarHead.create("score.", score, bias));
    }

    private static float[] floats(SafetensorsFile file, String name) throws IOException {
        try {
            return file.tensorAsFloats(name);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** {@code num_labels} (or the size of {@code id2label}), where given, must be 1. */
    private static void requireOneLabel(ObjectNode root, Path configJson) throws ModelFileException {
        JsonNode labels = root.get("num_labels");
        if (labels != null && !labels.isNull() && !(labels.isIntegralNumber() && labels.asLong() == 1)) {
            throw new ModelFileException(configJson, "num_labels", -1, labels + ": a reward model scores with one label");
        }
        JsonNode id2label = root.get("id2label");
        if (id2label != null && id2label.isObject() && id2label.size() != 1) {
            throw new ModelFileException(configJson, "id2label", -1, id2label.size() + " labels: a reward model scores with one");
        }
    }
}
