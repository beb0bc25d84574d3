package org.prefalign.core.sampling;

import java.util.Arrays;

/**
 * How to draw completions, with Hugging Face {@code generate}'s meaning for each knob (its
 * warpers run in this order: temperature, top-k, top-p, min-p, each on the distribution the
 * previous ones left, renormalised).
 *
 * @param temperature   logits are divided by it; 0 means greedy decoding (argmax, lowest id on ties)
 * @param topK          keep the k most probable tokens (0: off)
 * @param topP          nucleus sampling: keep the most probable tokens until their mass reaches p
 *                      (Holtzman et al., 2019, arXiv:1904.09751; 1: off)
 * @param minP          keep tokens with probability ≥ minP · the top probability
 *                      (Nguyen et al., 2024, arXiv:2407.01082; 0: off)
 * @param maxNewTokens  the most tokens generated per prompt
 * @param stopTokens    tokens that end a completion (included in it), e.g. EOS
 * @param seed          root of the per-sequence random streams
 */
public record SamplingConfig(double temperature, int topK, double topP, double minP, int maxNewTokens, int[] stopTokens,
        long seed) {

    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1] (0 = off), got " + minP);
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        stopTokens = stopTokens.clone();
        for (int t : stopTokens) {
            if (t < 0) {
                throw new IllegalArgumentException("stop token ids must be >= 0, got " + t);
            }
        }
    }

    /** Greedy decoding. */
    public static SamplingConfig greedy(int maxNewTokens, int... stopTokens) {
        return new SamplingConfig(0, 0, 1, 0, maxNewTokens, stopTokens, 0);
    }

    /** Plain sampling from softmax(logits / temperature). */
    public static SamplingConfig sample(double temperature, int maxNewTokens, long seed, int... stopTokens) {
        return new SamplingConfig(temperature, 0, 1, 0, maxNewTokens, stopTokens, seed);
    }

    public SamplingConfig withTopK(int k) {
        return new SamplingConfig(temperature, k, topP, minP, maxNewTokens, stopTokens, seed);
    }

    public SamplingConfig withTopP(double p) {
        return new SamplingConfig(temperature, topK, p, minP, maxNewTokens, stopTokens, seed);
    }

    public SamplingConfig withMinP(double p) {
        return new SamplingConfig(temperature, topK, topP, p, maxNewTokens, stopTokens, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    @Override
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    boolean isStop(int token) {
        for (int t : stopTokens) {
            if (t == token) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamplingConfig c && c.temperature == temperature && c.topK == topK && c.topP == topP
                && c.minP == minP && c.maxNewTokens == maxNewTokens && Arrays.equals(c.stopTokens, stopTokens) && c.seed == seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {temperature, topK, topP, minP, maxNewTokens, seed}) * 31 + Arrays.hashCode(stopTokens);
    }

    @Override
    public String toString() {
        return "SamplingConfig[temperature=" + temperature + ", topK=" + topK + ", topP=" + topP + ", minP=" + minP
                + ", maxNewTokens=" + maxNewTokens + ", stopTokens=" + Arrays.toString(stopTokens) + ", seed=" + seed + "]";
    }
}
