package org.prefalign.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.autodiff.Tensor;

/** Tiny random decoders for tests: every feature switched on somewhere, nothing at its default value. */
final class TinyModels {

    private TinyModels() {
    }

    static DecoderConfig config(RopePairing pairing, RopeScaling scaling, boolean tied, boolean bias) {
        // head size 4 with 4 heads = 16 ≠ dim 12, so nothing assumes headDim = dim / heads
        return new DecoderConfig(12, 2, 4, 2, 4, 20, 17, 1e-5, 10000, pairing, scaling, tied, bias, bias, 64);
    }

    /** A random model whose norms and biases are perturbed away from 1 and 0, so they are tested too. */
    static LlamaModel model(DecoderConfig config, long seed, DataType type) {
        LlamaModel m = LlamaModel.random(config, seed, type);
        Random rng = new Random(seed + 1);
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            INDArray v = e.getValue().value();
            INDArray flat = v.reshape(v.length());
            for (long i = 0; i < flat.length(); i++) {
                double x = flat.getDouble(i);
                if (e.getKey().endsWith("norm.weight")) {
                    x += 0.3 * rng.nextGaussian();
                } else if (e.getKey().endsWith(".bias")) {
                    x = 0.1 * rng.nextGaussian();
                } else {
                    x *= 10; // weights of order 0.2 make attention far from uniform
                }
                flat.putScalar(i, x);
            }
        }
        return m;
    }

    static Map<String, double[]> weights(LlamaModel m) {
        Map<String, double[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            w.put(e.getKey(), e.getValue().value().dup('c').data().asDouble());
        }
        return w;
    }

    static int[] randomTokens(Random rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }
}
