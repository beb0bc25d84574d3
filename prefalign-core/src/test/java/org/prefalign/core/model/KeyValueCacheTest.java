package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Implementation;
import org.prefalign.core.autodiff.KeyValueCache;
import org.prefalign.core.autodiff.RopePairing;

/** Incremental decoding with a key/value cache gives the logits of a full forward pass. */
class KeyValueCacheTest {

    @Test
    void prefillThenOneTokenAtATimeMatchesFullForwardLogits() {
        DecoderConfig config = TinyModels.config(RopePairing.HALF_SPLIT, new RopeScaling.None(), false, true);
        check(TinyModels.model(config, 11, DataType.DOUBLE), 1e-10);
        LlamaModel model32 = TinyModels.model(config, 11, DataType.FLOAT);
        check(model32.withImplementation(Implementation.ARRAY_OPS), 1e-4);
        check(model32.withImplementation(Implementation.VECTOR), 1e-4);
    }

    private static void check(LlamaModel model, double tol) {
        Random rng = new Random(111);
        int[] a = TinyModels.randomTokens(rng, 8, 17);
        int[] b = TinyModels.randomTokens(rng, 8, 17);
        int prompt = 4;
        // sequence b has a shorter prompt: one left pad, then continues like a
        int[][] full = {a, b};
        try (KeyValueCache cache = model.newCache(2, 9)) {
            int[][] promptTokens = {java.util.Arrays.copyOf(a, prompt), {0, b[0], b[1], b[2]}};
            boolean[][] promptMask = {{true, true, true, true}, {false, true, true, true}};
            INDArray logits = model.decode(cache, TokenBatch.padded(promptTokens, promptMask));
            int[] seen = {prompt, prompt - 1};
            int[] next = {prompt, prompt - 1};
            for (int step = 0; ; step++) {
                for (int s = 0; s < 2; s++) {
                    assertLogitsOfPrefix(model, full[s], seen[s], logits, s, tol);
                }
                if (step == 4) {
                    break;
                }
                int[][] tokens = {{full[0][next[0]]}, {full[1][next[1]]}};
                int[][] positions = {{seen[0]}, {seen[1]}};
                logits = model.decode(cache, new TokenBatch(tokens, new boolean[][] {{true}, {true}}, positions));
                for (int s = 0; s < 2; s++) {
                    next[s]++;
                    seen[s]++;
                }
            }
            assertEquals(8, cache.length());
            TokenBatch one = new TokenBatch(new int[][] {{1}, {1}}, new boolean[][] {{true}, {true}}, new int[][] {{8}, {7}});
            model.decode(cache, one);
            assertEquals(9, cache.length());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.decode(cache, one));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        }
    }

    /** Logits after the first n tokens of seq by a full forward of just those tokens. */
    private static void assertLogitsOfPrefix(LlamaModel model, int[] seq, int n, INDArray logits, int row, double tol) {
        TokenBatch batch = TokenBatch.of(new int[][] {java.util.Arrays.copyOf(seq, n)});
        try (ForwardPass pass = ForwardPass.inference(model, batch)) {
            INDArray want = pass.logitsAt(new int[] {n - 1}).value();
            for (int v = 0; v < model.vocabSize(); v++) {
                assertEquals(want.getDouble(0, v), logits.getDouble(row, v), tol, "prefix " + n + " logit " + v);
            }
        }
    }
}
