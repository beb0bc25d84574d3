package org.prefalign.core.sampling.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.RopeScaling;

/**
 * Tiny random decoders that switch on, between them, every feature the host decoder handles:
 * grouped-query attention (2 and 3 query heads per key/value head) and plain multi-head
 * attention, both RoPE pairings, linear and llama3 RoPE scaling, a tied head, q/k/v and output
 * biases, and sizes that are no multiple of a vector (so padding is exercised).
 */
public final class TinyDecoders {

    private TinyDecoders() {
    }

    /** The configs, each with a name for messages. */
    public static Map<String, DecoderConfig> configs() {
        Map<String, DecoderConfig> c = new LinkedHashMap<>();
        c.put("gqa adjacent untied", new DecoderConfig(12, 2, 4, 2, 4, 20, 17, 1e-5, 10000, RopePairing.ADJACENT,
                new RopeScaling.None(), false, false, false, 64));
        c.put("gqa half-split linear-scaling tied qkv-bias", new DecoderConfig(12, 2, 4, 2, 4, 20, 17, 1e-5, 10000,
                RopePairing.HALF_SPLIT, new RopeScaling.Linear(2), true, true, true, 64));
        c.put("gqa3 adjacent llama3-scaling qkv-bias", new DecoderConfig(20, 2, 6, 2, 6, 36, 37, 1e-6, 10000,
                RopePairing.ADJACENT, new RopeScaling.Llama3(4, 1, 4, 256), false, true, false, 64));
        c.put("mha half-split tied", new DecoderConfig(16, 3, 2, 2, 8, 24, 23, 1e-5, 500, RopePairing.HALF_SPLIT,
                new RopeScaling.None(), true, false, false, 64));
        return c;
    }

    /**
     * A random model: weights of order 0.2 (attention far from uniform), norms 1 ± 0.3, biases of
     * order 0.1, from a seeded generator.
     */
    public static LlamaModel model(DecoderConfig config, long seed, DataType type) {
        Random rng = new Random(seed);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : LlamaModel.parameterShapes(config).entrySet()) {
            long[] shape = e.getValue();
            double[] v = new double[Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
            for (int i = 0; i < v.length; i++) {
                double g = rng.nextGaussian();
                v[i] = e.getKey().endsWith("norm.weight") ? 1 + 0.3 * g : e.getKey().endsWith(".bias") ? 0.1 * g : 0.2 * g;
            }
            weights.put(e.getKey(), Nd4j.create(v, shape, type));
        }
        return LlamaModel.create(config, weights);
    }
}
