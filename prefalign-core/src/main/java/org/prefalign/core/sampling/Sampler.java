package org.prefalign.core.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Buffers;
import org.prefalign.core.autodiff.KeyValueCache;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.model.TokenBatch;

/**
 * Batched autoregressive sampling with a key/value cache. Prompts of different lengths are
 * left-padded (masked, with per-sequence positions), so every prompt's last token sits in the
 * last column of the prefill step; finished sequences ride along as masked padding.
 *
 * <p>Each sequence draws from its own random stream, so a sequence gets the same completion
 * whether it is sampled alone or in a batch (up to float rounding of the batched matmuls).
 */
public final class Sampler {

    private static final int PAD = 0;

    private final CausalLM model;
    private final SamplingConfig config;

    public Sampler(CausalLM model, SamplingConfig config) {
        this.model = model;
        this.config = config;
    }

    /** Completions of the prompts, sequence i seeded by the i-th draw of a stream seeded by {@code config.seed()}. */
    public List<Completion> generate(List<int[]> prompts) {
        SplittableRandom root = new SplittableRandom(config.seed());
        long[] seeds = new long[prompts.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = root.nextLong();
        }
        return generate(prompts, seeds);
    }

    /** Completions of the prompts, sequence i drawing from a stream seeded by {@code seeds[i]}. */
    public List<Completion> generate(List<int[]> prompts, long[] seeds) {
        int b = prompts.size();
        if (b == 0 || seeds.length != b) {
            throw new IllegalArgumentException("need at least one prompt and one seed per prompt, got "
                    + b + " prompts and " + seeds.length + " seeds");
        }
        int longest = 0;
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty (start it with BOS)");
            }
            if (p.length >= model.contextLength()) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.length + " tokens, the context length is "
                        + model.contextLength());
            }
            for (int t : p) {
                if (t < 0 || t >= model.vocabSize()) {
                    throw new IllegalArgumentException("prompt " + i + " has token " + t + " outside [0, " + model.vocabSize() + ")");
                }
            }
            longest = Math.max(longest, p.length);
        }
        int[][] tokens = new int[b][longest];
        boolean[][] mask = new boolean[b][longest];
        int[] length = new int[b];
        SplittableRandom[] rng = new SplittableRandom[b];
        List<List<Integer>> out = new ArrayList<>();
        List<List<Double>> logps = new ArrayList<>();
        Completion.FinishReason[] finish = new Completion.FinishReason[b];
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int offset = longest - p.length;
            System.arraycopy(p, 0, tokens[i], offset, p.length);
            Arrays.fill(mask[i], offset, longest, true);
            length[i] = p.length;
            rng[i] = new SplittableRandom(seeds[i]);
            out.add(new ArrayList<>());
            logps.add(new ArrayList<>());
        }
        try (KeyValueCache cache = model.newCache(b, longest + config.maxNewTokens())) {
            INDArray logits = model.decode(cache, TokenBatch.padded(tokens, mask));
            int running = b;
            while (running > 0) {
                double[][] rows = logits.toDoubleMatrix();
                Buffers.release(logits);
                int[][] next = new int[b][1];
                boolean[][] real = new boolean[b][1];
                int[][] positions = new int[b][1];
                for (int i = 0; i < b; i++) {
                    if (finish[i] != null) {
                        next[i][0] = PAD;
                        continue;
                    }
                    int token;
                    double logp;
                    if (config.isGreedy()) {
                        token = TokenDistribution.argmax(rows[i]);
                        logp = 0;
                    } else {
                        TokenDistribution d = TokenDistribution.of(rows[i], config);
                        token = d.sample(rng[i]);
                        logp = Math.log(d.probability(token));
                    }
                    out.get(i).add(token);
                    logps.get(i).add(logp);
                    if (config.isStop(token)) {
                        finish[i] = Completion.FinishReason.STOP;
                    } else if (out.get(i).size() == config.maxNewTokens() || length[i] + 1 >= model.contextLength()) {
                        finish[i] = Completion.FinishReason.LENGTH;
                    }
                    if (finish[i] != null) {
                        running--;
                        next[i][0] = PAD;
                        continue;
                    }
                    next[i][0] = token;
                    real[i][0] = true;
                    positions[i][0] = length[i];
                    length[i]++;
                }
                if (running > 0) {
                    logits = model.decode(cache, new TokenBatch(next, real, positions));
                }
            }
        }
        List<Completion> completions = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            completions.add(new Completion(out.get(i).stream().mapToInt(Integer::intValue).toArray(),
                    logps.get(i).stream().mapToDouble(Double::doubleValue).toArray(), finish[i]));
        }
        return completions;
    }
}
