package org.prefalign.core.io.hf;

/**
 * The row permutation of the query and key projections between the two rotary-embedding layouts.
 *
 * <p>RoPE rotates pairs of coordinates within each head. Meta's original Llama (and llama2.c, and
 * llama.cpp's "normal" RoPE) rotate adjacent pairs (x[2i], x[2i+1]); Hugging Face's Llama rotates
 * the two halves of the head against each other (x[i], x[i + d/2]), "rotate_half". The two give
 * the same model when the rows of W_q and W_k (and their biases) are permuted inside each head:
 * GGUF row {@code h·d + 2i + s} is HF row {@code h·d + s·d/2 + i} for head h, pair i < d/2 and
 * s ∈ {0, 1}. This is exactly llama.cpp's {@code convert_hf_to_gguf.py}
 * {@code LlamaModel.permute(w, n_head, n_head_kv)}: reshape to (n_head, 2, d/2, in), swap axes 1
 * and 2, reshape back — with n_head for W_q and n_kv_head for W_k.
 */
public final class RotaryPermutation {

    private RotaryPermutation() {
    }

    /**
     * The HF row that lands at GGUF row {@code ggufRow} (a bijection on {@code [0, heads·headDim)}).
     */
    public static int hfRowOf(int ggufRow, int headDim) {
        int head = ggufRow / headDim;
        int within = ggufRow % headDim;
        int pair = within / 2;
        int half = within % 2;
        return head * headDim + half * (headDim / 2) + pair;
    }

    /**
     * HF (half-split) layout → GGUF (adjacent-pair) layout of a projection weight {@code [heads·headDim][cols]}
     * stored row-major (cols = 1 for a bias), as llama.cpp's converter does.
     *
     * @param heads the number of heads the rows form: query heads for W_q, key/value heads for W_k
     */
    public static float[] hfToGguf(float[] hf, int heads, int cols) {
        return permute(hf, heads, cols, true);
    }

    /** The inverse of {@link #hfToGguf}: GGUF (adjacent-pair) layout → HF (half-split) layout. */
    public static float[] ggufToHf(float[] gguf, int heads, int cols) {
        return permute(gguf, heads, cols, false);
    }

    private static float[] permute(float[] in, int heads, int cols, boolean toGguf) {
        if (heads < 1 || cols < 1 || in.length % ((long) heads * cols) != 0) {
            throw new IllegalArgumentException("weight of " + in.length + " values is not heads (" + heads + ") × headDim × cols ("
                    + cols + ")");
        }
        int rows = in.length / cols;
        int headDim = rows / heads;
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even for rotary pairs, got " + headDim);
        }
        float[] out = new float[in.length];
        for (int ggufRow = 0; ggufRow < rows; ggufRow++) {
            int hfRow = hfRowOf(ggufRow, headDim);
            int from = (toGguf ? hfRow : ggufRow) * cols;
            int to = (toGguf ? ggufRow : hfRow) * cols;
            System.arraycopy(in, from, out, to, cols);
        }
        return out;
    }
}
