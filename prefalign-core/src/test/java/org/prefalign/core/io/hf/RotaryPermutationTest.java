package org.prefalign.core.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RotaryPermutationTest {

    private static float[] rowIds(int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = r * 100 + c;
            }
        }
        return w;
    }

    @Test
    void handBuiltExampleTwoHeadsOfDimensionFour() {
        // HF rows per head: [x0 x1 | x2 x3] rotate (x0,x2), (x1,x3); GGUF wants the pairs adjacent:
        // head 0 → rows 0, 2, 1, 3; head 1 → rows 4, 6, 5, 7.
        float[] hf = rowIds(8, 2);
        float[] gguf = RotaryPermutation.hfToGguf(hf, 2, 2);
        float[] expected = {0, 1, 200, 201, 100, 101, 300, 301, 400, 401, 600, 601, 500, 501, 700, 701};
        assertArrayEquals(expected, gguf);
    }

    @Test
    void handBuiltExampleHeadDimensionSix() {
        // numpy: arange(12).reshape(2, 2, 3, 1).swapaxes(1, 2).reshape(12) = [0 3 1 4 2 5 6 9 7 10 8 11]
        float[] gguf = RotaryPermutation.hfToGguf(rowIds(12, 1), 2, 1);
        assertArrayEquals(new float[] {0, 300, 100, 400, 200, 500, 600, 900, 700, 1000, 800, 1100}, gguf);
        assertEquals(3, RotaryPermutation.hfRowOf(1, 6));
        assertEquals(10, RotaryPermutation.hfRowOf(9, 6));
    }

    @Test
    void inverseUndoesThePermutationBothWays() {
        Random random = new Random(11);
        for (int heads : new int[] {1, 2, 4, 8}) {
            for (int headDim : new int[] {2, 4, 8, 64}) {
                int cols = 1 + random.nextInt(5);
                float[] w = new float[heads * headDim * cols];
                for (int i = 0; i < w.length; i++) {
                    w[i] = random.nextFloat();
                }
                assertArrayEquals(w, RotaryPermutation.ggufToHf(RotaryPermutation.hfToGguf(w, heads, cols), heads, cols));
                assertArrayEquals(w, RotaryPermutation.hfToGguf(RotaryPermutation.ggufToHf(w, heads, cols), heads, cols));
            }
        }
    }

    @Test
    void headDimTwoIsTheIdentity() {
        float[] w = rowIds(6, 3);
        assertArrayEquals(w, RotaryPermutation.hfToGguf(w, 3, 3));
    }

    @Test
    void rejectsShapesThatAreNotHeadsTimesEvenHeadDim() {
        assertThrows(IllegalArgumentException.class, () -> RotaryPermutation.hfToGguf(new float[10], 3, 1));
        assertThrows(IllegalArgumentException.class, () -> RotaryPermutation.hfToGguf(new float[6], 2, 1)); // headDim 3
        assertThrows(IllegalArgumentException.class, () -> RotaryPermutation.ggufToHf(new float[8], 0, 1));
    }

    @Test
    void namesMapBothWays() {
        String[][] pairs = {
            {"token_embd.weight", "model.embed_tokens.weight"},
            {"output_norm.weight", "model.norm.weight"},
            {"output.weight", "lm_head.weight"},
            {"blk.0.attn_norm.weight", "model.layers.0.input_layernorm.weight"},
            {"blk.12.attn_q.weight", "model.layers.12.self_attn.q_proj.weight"},
            {"blk.3.attn_q.bias", "model.layers.3.self_attn.q_proj.bias"},
            {"blk.3.attn_k.weight", "model.layers.3.self_attn.k_proj.weight"},
            {"blk.3.attn_v.bias", "model.layers.3.self_attn.v_proj.bias"},
            {"blk.3.attn_output.weight", "model.layers.3.self_attn.o_proj.weight"},
            {"blk.4.ffn_norm.weight", "model.layers.4.post_attention_layernorm.weight"},
            {"blk.4.ffn_gate.weight", "model.layers.4.mlp.gate_proj.weight"},
            {"blk.4.ffn_up.weight", "model.layers.4.mlp.up_proj.weight"},
            {"blk.4.ffn_down.weight", "model.layers.4.mlp.down_proj.weight"},
        };
        for (String[] p : pairs) {
            assertEquals(p[1], HfTensorNames.toHf(p[0]).orElseThrow());
            assertEquals(p[0], HfTensorNames.toGguf(p[1]).orElseThrow());
        }
        assertEquals(java.util.Optional.empty(), HfTensorNames.toHf("blk.01.attn_q.weight"));
        assertEquals(java.util.Optional.empty(), HfTensorNames.toHf("rope_freqs.weight"));
        assertEquals(java.util.Optional.empty(), HfTensorNames.toGguf("model.layers.0.self_attn.rotary_emb.inv_freq"));
    }

    /** y = W x for a row-major [rows][cols] W. */
    private static double[] apply(float[] w, int cols, double[] x) {
        double[] y = new double[w.length / cols];
        for (int r = 0; r < y.length; r++) {
            for (int c = 0; c < cols; c++) {
                y[r] += w[r * cols + c] * x[c];
            }
        }
        return y;
    }

    /** Rotates pairs (v[a(i)], v[b(i)]) of each head by angle pos·θ^(−2i/d). */
    private static void rope(double[] v, int headDim, int pos, boolean adjacent) {
        for (int h = 0; h < v.length / headDim; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                int a = h * headDim + (adjacent ? 2 * i : i);
                int b = h * headDim + (adjacent ? 2 * i + 1 : i + headDim / 2);
                double angle = pos * Math.pow(10000, -2.0 * i / headDim);
                double va = v[a];
                double vb = v[b];
                v[a] = va * Math.cos(angle) - vb * Math.sin(angle);
                v[b] = va * Math.sin(angle) + vb * Math.cos(angle);
            }
        }
    }

    @Test
    void adjacentRopeOnGgufRowsEqualsHalfSplitRopeOnHfRows() {
        // The point of the permutation: both conventions compute the same attention scores.
        Random random = new Random(5);
        int heads = 3;
        int headDim = 8;
        int cols = 5;
        float[] wqHf = new float[heads * headDim * cols];
        float[] wkHf = new float[heads * headDim * cols];
        for (int i = 0; i < wqHf.length; i++) {
            wqHf[i] = (float) random.nextGaussian();
            wkHf[i] = (float) random.nextGaussian();
        }
        double[] x1 = random.doubles(cols).toArray();
        double[] x2 = random.doubles(cols).toArray();
        double[] qHf = apply(wqHf, cols, x1);
        double[] kHf = apply(wkHf, cols, x2);
        rope(qHf, headDim, 7, false);
        rope(kHf, headDim, 3, false);
        double[] qGguf = apply(RotaryPermutation.hfToGguf(wqHf, heads, cols), cols, x1);
        double[] kGguf = apply(RotaryPermutation.hfToGguf(wkHf, heads, cols), cols, x2);
        rope(qGguf, headDim, 7, true);
        rope(kGguf, headDim, 3, true);
        for (int h = 0; h < heads; h++) {
            double scoreHf = 0;
            double scoreGguf = 0;
            for (int d = 0; d < headDim; d++) {
                scoreHf += qHf[h * headDim + d] * kHf[h * headDim + d];
                scoreGguf += qGguf[h * headDim + d] * kGguf[h * headDim + d];
                assertEquals(qHf[RotaryPermutation.hfRowOf(h * headDim + d, headDim)], qGguf[h * headDim + d], 1e-12);
            }
            assertEquals(scoreHf, scoreGguf, 1e-12, "head " + h);
        }
    }
}
