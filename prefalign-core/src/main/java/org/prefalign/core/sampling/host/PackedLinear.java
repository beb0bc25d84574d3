package org.prefalign.core.sampling.host;

/**
 * A linear layer y = x·Wᵀ + b laid out for decoding: W transposed to [in][stride], so that one
 * input feature times one row of the packed array updates a run of consecutive outputs (vector
 * lanes run along outputs, with no horizontal sums), and the output width padded with zero
 * columns to {@code stride}, a multiple of the kernel's {@link DecodeKernel#columnMultiple()}.
 * Several layers reading the same input (q, k, v; gate, up) are packed side by side as one.
 *
 * @param weights [in][stride], row i holding W[·][i] of every output, zeros in the padding
 * @param bias    [stride] (zeros in the padding), or null for none
 * @param in      input features
 * @param stride  padded output width
 */
public record PackedLinear(float[] weights, float[] bias, int in, int stride) {

    public PackedLinear {
        if (in <= 0 || stride <= 0 || weights.length != (long) in * stride) {
            throw new IllegalArgumentException("packed weights must hold in·stride = " + in + "·" + stride
                    + " values, got " + weights.length);
        }
        if (bias != null && bias.length != stride) {
            throw new IllegalArgumentException("packed bias must hold stride = " + stride + " values, got " + bias.length);
        }
    }

    /**
     * Packs layers side by side: {@code parts[p]} is a row-major [out_p][in] weight (PyTorch's
     * Linear layout) and {@code biases[p]} its bias or null; each part starts at a multiple of
     * {@code multiple}. Returns the packing; {@link #offsets} gives where each part starts.
     */
    static PackedLinear pack(int in, int multiple, float[][] parts, float[][] biases) {
        int[] offsets = offsets(in, multiple, parts);
        int stride = offsets[parts.length];
        float[] w = new float[Math.multiplyExact(in, stride)];
        float[] b = null;
        for (int p = 0; p < parts.length; p++) {
            int out = parts[p].length / in;
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    w[i * stride + offsets[p] + o] = parts[p][o * in + i];
                }
            }
            if (biases[p] != null) {
                if (b == null) {
                    b = new float[stride];
                }
                System.arraycopy(biases[p], 0, b, offsets[p], out);
            }
        }
        return new PackedLinear(w, b, in, stride);
    }

    /** Where each of the parts starts in a packed row, and (last) the packed stride. */
    static int[] offsets(int in, int multiple, float[][] parts) {
        int[] offsets = new int[parts.length + 1];
        for (int p = 0; p < parts.length; p++) {
            if (parts[p].length % in != 0) {
                throw new IllegalArgumentException("weight part " + p + " of " + parts[p].length + " values is not [out][" + in + "]");
            }
            offsets[p + 1] = offsets[p] + roundUp(parts[p].length / in, multiple);
        }
        return offsets;
    }

    /** n rounded up to a multiple of m. */
    static int roundUp(int n, int m) {
        return Math.multiplyExact((n + m - 1) / m, m);
    }
}
