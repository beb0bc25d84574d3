package org.prefalign.core.sampling;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Buffers;
import org.prefalign.core.autodiff.KeyValueCache;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.model.TokenBatch;

/**
 * {@link DecodePath#ND4J}: the batch steps through the model's own {@code decode}. Prompts of
 * different lengths are left-padded (masked, with per-sequence positions), so every prompt's last
 * token sits in the last column of the prefill step; finished sequences ride along as masked
 * padding.
 */
final class Nd4jGeneration {

    private static final int PAD = 0;

    private Nd4jGeneration() {
    }

    static void run(CausalLM model, int maxNewTokens, List<int[]> prompts, Continuation[] seqs) {
        int b = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int[][] tokens = new int[b][longest];
        boolean[][] mask = new boolean[b][longest];
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int offset = longest - p.length;
            System.arraycopy(p, 0, tokens[i], offset, p.length);
            Arrays.fill(mask[i], offset, longest, true);
        }
        // a sequence ends at maxNewTokens or when it fills the context, so no step count exceeds either
        int steps = Math.min(maxNewTokens, model.contextLength());
        try (KeyValueCache cache = model.newCache(b, longest + steps)) {
            INDArray logits = model.decode(cache, TokenBatch.padded(tokens, mask));
            int running = b;
            while (running > 0) {
                double[][] rows = logits.toDoubleMatrix();
                Buffers.release(logits);
                int[][] next = new int[b][1];
                boolean[][] real = new boolean[b][1];
                int[][] positions = new int[b][1];
                for (int i = 0; i < b; i++) {
                    if (seqs[i].finished()) {
                        next[i][0] = PAD;
                        continue;
                    }
                    int token = seqs[i].draw(rows[i]);
                    if (seqs[i].finished()) {
                        running--;
                        next[i][0] = PAD;
                        continue;
                    }
                    next[i][0] = token;
                    real[i][0] = true;
                    positions[i][0] = seqs[i].lastPosition();
                }
                if (running > 0) {
                    logits = model.decode(cache, new TokenBatch(next, real, positions));
                }
            }
        }
    }
}
