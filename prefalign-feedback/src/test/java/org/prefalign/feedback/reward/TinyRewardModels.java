package org.prefalign.feedback.reward;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.io.ModelWeights;
import org.prefalign.core.io.hf.HfTensorNames;
import org.prefalign.core.io.hf.LlamaConfig;
import org.prefalign.core.io.hf.RotaryPermutation;
import org.prefalign.core.io.safetensors.SafetensorsWriter;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.ScalarHead;

/**
 * Tiny random reward models (a Llama decoder over the stories260K vocabulary with a random score
 * head), kept in memory for direct forwards and written as Hugging Face sequence-classification
 * directories with the io package: HF names, half-split q/k rows, {@code score.weight}, no LM head.
 */
final class TinyRewardModels {

    /** hidden 16, 2 layers, 4 query heads over 2 key/value heads of width 4, SwiGLU 24, context 64. */
    static final LlamaConfig HF = new LlamaConfig("llama", 16, 24, 2, 4, 2, 4, 512, 64, 1e-5, 10000, Map.of(), false,
            false, false, OptionalInt.of(1), List.of(2));

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A model in memory and the tensors of its checkpoint.
     *
     * @param model   the decoder (adjacent-pair rotary layout, as this library builds it)
     * @param head    the score head
     * @param tensors HF name → values, in HF's layout (change them to write a bad checkpoint)
     * @param shapes  HF name → shape
     */
    record Tiny(LlamaModel model, ScalarHead head, Map<String, float[]> tensors, Map<String, long[]> shapes) {
    }

    private TinyRewardModels() {
    }

    static Tiny tiny(long seed) {
        LlamaModel model = LlamaModel.random(DecoderConfig.fromHf(HF, RopePairing.ADJACENT), seed, DataType.FLOAT);
        ModelWeights w = model.toWeights(HF);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : w.names()) {
            if (name.equals("output.weight")) {
                continue; // a sequence classifier has no LM head
            }
            String hf = HfTensorNames.toHf(name).orElseThrow();
            float[] values = w.tensor(name);
            if (name.contains(".attn_q.")) {
                values = RotaryPermutation.ggufToHf(values, HF.numAttentionHeads(), HF.hiddenSize());
            } else if (name.contains(".attn_k.")) {
                values = RotaryPermutation.ggufToHf(values, HF.numKeyValueHeads(), HF.hiddenSize());
            }
            tensors.put(hf, values);
            shapes.put(hf, w.shape(name));
        }
        Random rng = new Random(seed + 100);
        float[] score = new float[HF.hiddenSize()];
        for (int i = 0; i < score.length; i++) {
            score[i] = (float) rng.nextGaussian();
        }
        tensors.put("score.weight", score);
        shapes.put("score.weight", new long[] {1, HF.hiddenSize()});
        ScalarHead head = ScalarHead.create("score.", Nd4j.create(score, new long[] {1, HF.hiddenSize()}, 'c'), null);
        return new Tiny(model, head, tensors, shapes);
    }

    /** {@code config.json} as transformers writes it for a one-label sequence classifier. */
    static ObjectNode config() {
        ObjectNode c = HF.toJson();
        c.putArray("architectures").add("LlamaForSequenceClassification");
        c.putObject("id2label").put("0", "LABEL_0");
        c.putObject("label2id").put("LABEL_0", 0);
        return c;
    }

    /** Writes {@code tensors} (shapes from {@code shapes}) as {@code dir/model.safetensors} and {@code config}. */
    static Path write(Path dir, Map<String, float[]> tensors, Map<String, long[]> shapes, ObjectNode config) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        tensors.forEach((name, values) -> writer.tensor(name, shapes.get(name), values));
        writer.write(dir.resolve("model.safetensors"));
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        return dir;
    }

    static Path write(Path dir, Tiny t) throws IOException {
        return write(dir, t.tensors(), t.shapes(), config());
    }
}
