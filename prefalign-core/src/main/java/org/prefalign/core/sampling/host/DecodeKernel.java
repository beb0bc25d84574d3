package org.prefalign.core.sampling.host;

/**
 * The arithmetic of one decoding step of a Llama-family decoder over host float arrays, for a
 * group of rows (one new token of each of several sequences). Activations are row-major with a
 * padded row stride; padding entries are zero on input and stay zero on output.
 *
 * <p>Every implementation computes each row with the same operations in the same order whatever
 * the other rows, so a sequence decodes to the same bits alone or in any batch, on any thread.
 *
 * @see DecodeKernels
 */
public interface DecodeKernel {

    /** A short name for reports ("vector", "scalar"). */
    String name();

    /** Output widths of packed layers, and so activation strides, are padded to a multiple of this. */
    int columnMultiple();

    /** Key/value cache capacities are padded to a multiple of this. */
    int slotMultiple();

    /**
     * y[r][0..stride) = b + x[r][0..in) · W for each of {@code rows} rows; x's rows are
     * {@code xStride} apart, y's {@code w.stride()}.
     */
    void matmul(float[] x, int xStride, int rows, PackedLinear w, float[] y);

    /**
     * RMSNorm (Zhang &amp; Sennrich, 2019, arXiv:1910.07467) of each row's first {@code n}
     * features: y = x · (mean x² + ε)^{−1/2} ⊙ g, rows {@code stride} apart (g zero beyond n).
     */
    void rmsNorm(float[] x, int rows, int stride, int n, float[] g, float eps, float[] y);

    /**
     * SwiGLU's gating (Shazeer, 2020, arXiv:2002.05202) in place: per row, the first {@code width}
     * entries (gate) become silu(gate) · up, where up is the next {@code width} entries; rows are
     * {@code 2·width} apart.
     */
    void swiGlu(float[] gateUp, int rows, int width);

    /**
     * One query head's attention over the first {@code n} slots of one key/value head's cache:
     * out[c] = Σ_j softmax_j(scale · q·k_j) v_j[c], c &lt; d. Keys and values are stored
     * transposed, kT[base + c·capacity + j] (and vT likewise), so a loop over slots runs along
     * contiguous memory. {@code scores} is scratch of at least the (padded) capacity.
     */
    void attend(float[] q, int qOffset, float[] kT, float[] vT, int base, int capacity, int n, int d, float scale,
            float[] scores, float[] out, int outOffset);
}
