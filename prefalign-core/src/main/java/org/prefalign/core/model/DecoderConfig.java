package org.prefalign.core.model;

import java.util.Map;
import java.util.Objects;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.io.hf.LlamaConfig;

/**
 * The shape and constants of a Llama-family decoder (Touvron et al., "LLaMA", 2023,
 * arXiv:2302.13971): pre-RMSNorm blocks of grouped-query self-attention with rotary positions
 * and a SwiGLU feed-forward. Qwen2 is the same with biases on the q/k/v projections.
 *
 * @param dim hidden size (HF {@code hidden_size}, GGUF {@code embedding_length})
 * @param layers number of decoder blocks
 * @param heads query heads
 * @param kvHeads key/value heads (a divisor of {@code heads}; equal for plain multi-head attention)
 * @param headDim size of one head (usually dim / heads)
 * @param ffnDim width of the SwiGLU feed-forward ({@code intermediate_size})
 * @param vocabSize vocabulary size
 * @param rmsEps ε of every RMSNorm
 * @param ropeTheta RoPE base θ
 * @param ropePairing which features RoPE rotates together (GGUF llama: adjacent; HF: half-split)
 * @param ropeScaling context-extension scaling of the RoPE frequencies
 * @param tiedEmbeddings whether the output head is the token embedding matrix
 * @param qkvBias whether q/k/v projections have biases (Qwen2)
 * @param outputBias whether the attention output projection has a bias (Llama's {@code attention_bias})
 * @param contextLength the longest sequence the checkpoint supports
 */
public record DecoderConfig(int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim, int vocabSize,
        double rmsEps, double ropeTheta, RopePairing ropePairing, RopeScaling ropeScaling,
        boolean tiedEmbeddings, boolean qkvBias, boolean outputBias, int contextLength) {

    public DecoderConfig {
        positive("dim", dim);
        positive("layers", layers);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("headDim", headDim);
        positive("ffnDim", ffnDim);
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even for RoPE, got " + headDim);
        }
        if (!(rmsEps > 0) || Double.isInfinite(rmsEps)) {
            throw new IllegalArgumentException("rmsEps must be positive and finite, got " + rmsEps);
        }
        Objects.requireNonNull(ropePairing, "ropePairing");
        Objects.requireNonNull(ropeScaling, "ropeScaling");
        RopeScaling.baseFrequencies(headDim, ropeTheta); // validates theta
    }

    /**
     * The decoder an HF-style config describes. The pairing is not in the config but in the weight
     * layout: GGUF llama files (q/k rows permuted by llama.cpp's converter) rotate adjacent pairs,
     * HF checkpoints and GGUF qwen2 files rotate half-split pairs.
     *
     * @throws IllegalArgumentException for a {@code rope_scaling} type other than linear or llama3
     */
    public static DecoderConfig fromHf(LlamaConfig hf, RopePairing pairing) {
        return new DecoderConfig(hf.hiddenSize(), hf.numHiddenLayers(), hf.numAttentionHeads(), hf.numKeyValueHeads(),
                hf.headDim(), hf.intermediateSize(), hf.vocabSize(), hf.rmsNormEps(), hf.ropeTheta(), pairing,
                ropeScaling(hf.ropeScaling(), hf.maxPositionEmbeddings()), hf.tieWordEmbeddings(), hf.attentionBias(),
                hf.attentionOutputBias(), hf.maxPositionEmbeddings());
    }

    /** HF's {@code rope_scaling} object as a {@link RopeScaling}. */
    static RopeScaling ropeScaling(Map<String, Object> hf, int contextLength) {
        if (hf.isEmpty()) {
            return new RopeScaling.None();
        }
        Object type = hf.getOrDefault("rope_type", hf.get("type"));
        return switch (String.valueOf(type)) {
            case "default" -> new RopeScaling.None();
            case "linear" -> new RopeScaling.Linear(number(hf, "factor"));
            case "llama3" -> new RopeScaling.Llama3(number(hf, "factor"), number(hf, "low_freq_factor"),
                    number(hf, "high_freq_factor"), (int) number(hf, "original_max_position_embeddings"));
            default -> throw new IllegalArgumentException("rope_scaling type '" + type
                    + "' is not supported (supported: default, linear, llama3)");
        };
    }

    private static double number(Map<String, Object> map, String key) {
        if (!(map.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("rope_scaling." + key + " must be a number, got " + map.get(key));
        }
        return n.doubleValue();
    }

    /** Query heads per key/value head. */
    public int groups() {
        return heads / kvHeads;
    }

    /** ω_i of the rotary embedding after scaling. */
    public double[] inverseFrequencies() {
        return ropeScaling.inverseFrequencies(headDim, ropeTheta);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
