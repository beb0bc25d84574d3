package org.prefalign.core.sampling.host;

import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.prefalign.core.math.VectorMath;

/**
 * {@link DecodeKernel} on the Vector API ({@code jdk.incubator.vector}) at the CPU's widest float
 * shape. Matrix products run along output lanes of the packed [in][stride] weights: each output
 * vector is a chain of fused multiply-adds over the inputs in order, with no horizontal sum.
 * Four rows by two output vectors share each weight load and broadcast (eight independent
 * chains hide the FMA latency); leftover rows take the same chains one row at a time, four
 * output vectors at once, so a row's bits do not depend on the rows beside it. Output widths are
 * padded to two vectors, so there is no column tail.
 *
 * <p>Exponentials and the sums of lanes (of squares, of the softmax, of the attention output) are
 * {@link VectorMath}'s, whose bits, unlike those of {@code VectorOperators.EXP} and
 * {@code reduceLanes(ADD)}, do not depend on how far the JIT has got.
 *
 * <p>Links only when the module is in the boot layer; {@link DecodeKernels} loads it by name
 * through {@link #factory()}.
 */
final class VectorDecodeKernel implements DecodeKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int TILE_ROWS = 4;
    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);

    /** How {@link DecodeKernels} creates the kernel without naming this class. */
    static Supplier<DecodeKernel> factory() {
        return VectorDecodeKernel::new;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int columnMultiple() {
        return 2 * L;
    }

    @Override
    public int slotMultiple() {
        return L;
    }

    @Override
    public void matmul(float[] x, int xStride, int rows, PackedLinear w, float[] y) {
        int r = 0;
        for (; r + TILE_ROWS <= rows; r += TILE_ROWS) {
            for (int o = 0; o < w.stride(); o += 2 * L) {
                fourRows(x, r * xStride, xStride, w, o, y, r * w.stride());
            }
        }
        for (; r < rows; r++) {
            int o = 0;
            for (; o + 4 * L <= w.stride(); o += 4 * L) { // a lone row needs more chains of its own
                oneRow(x, r * xStride, w, o, y, r * w.stride());
            }
            if (o < w.stride()) {
                oneRowPair(x, r * xStride, w, o, y, r * w.stride());
            }
        }
    }

    /** Output columns o..o+2L of four rows starting at x[x0], rows xs apart, into y from y0 (rows stride apart). */
    private static void fourRows(float[] x, int x0, int xs, PackedLinear w, int o, float[] y, int y0) {
        float[] wt = w.weights();
        int stride = w.stride();
        FloatVector b0 = initial(w, o);
        FloatVector b1 = initial(w, o + L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
        int x1 = x0 + xs;
        int x2 = x1 + xs;
        int x3 = x2 + xs;
        for (int i = 0, at = o; i < w.in(); i++, at += stride) {
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, at);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wt, at + L);
            FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + i]);
            a00 = w0.fma(v, a00);
            a01 = w1.fma(v, a01);
            v = FloatVector.broadcast(SPECIES, x[x1 + i]);
            a10 = w0.fma(v, a10);
            a11 = w1.fma(v, a11);
            v = FloatVector.broadcast(SPECIES, x[x2 + i]);
            a20 = w0.fma(v, a20);
            a21 = w1.fma(v, a21);
            v = FloatVector.broadcast(SPECIES, x[x3 + i]);
            a30 = w0.fma(v, a30);
            a31 = w1.fma(v, a31);
        }
        a00.intoArray(y, y0 + o);
        a01.intoArray(y, y0 + o + L);
        a10.intoArray(y, y0 + stride + o);
        a11.intoArray(y, y0 + stride + o + L);
        a20.intoArray(y, y0 + 2 * stride + o);
        a21.intoArray(y, y0 + 2 * stride + o + L);
        a30.intoArray(y, y0 + 3 * stride + o);
        a31.intoArray(y, y0 + 3 * stride + o + L);
    }

    /** The same chains as {@link #fourRows} for a single row, over four output vectors o..o+4L. */
    private static void oneRow(float[] x, int x0, PackedLinear w, int o, float[] y, int y0) {
        float[] wt = w.weights();
        FloatVector a0 = initial(w, o);
        FloatVector a1 = initial(w, o + L);
        FloatVector a2 = initial(w, o + 2 * L);
        FloatVector a3 = initial(w, o + 3 * L);
        for (int i = 0, at = o; i < w.in(); i++, at += w.stride()) {
            FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + i]);
            a0 = FloatVector.fromArray(SPECIES, wt, at).fma(v, a0);
            a1 = FloatVector.fromArray(SPECIES, wt, at + L).fma(v, a1);
            a2 = FloatVector.fromArray(SPECIES, wt, at + 2 * L).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, wt, at + 3 * L).fma(v, a3);
        }
        a0.intoArray(y, y0 + o);
        a1.intoArray(y, y0 + o + L);
        a2.intoArray(y, y0 + o + 2 * L);
        a3.intoArray(y, y0 + o + 3 * L);
    }

    /** {@link #oneRow} over the last two output vectors o..o+2L. */
    private static void oneRowPair(float[] x, int x0, PackedLinear w, int o, float[] y, int y0) {
        float[] wt = w.weights();
        FloatVector a0 = initial(w, o);
        FloatVector a1 = initial(w, o + L);
        for (int i = 0, at = o; i < w.in(); i++, at += w.stride()) {
            FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + i]);
            a0 = FloatVector.fromArray(SPECIES, wt, at).fma(v, a0);
            a1 = FloatVector.fromArray(SPECIES, wt, at + L).fma(v, a1);
        }
        a0.intoArray(y, y0 + o);
        a1.intoArray(y, y0 + o + L);
    }

    private static FloatVector initial(PackedLinear w, int o) {
        return w.bias() == null ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, w.bias(), o);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int stride, int n, float[] g, float eps, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * stride;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < stride; j += L) { // the padding adds zeros
                FloatVector v = FloatVector.fromArray(SPECIES, x, o + j);
                acc = v.fma(v, acc);
            }
            float inv = (float) (1.0 / Math.sqrt(VectorMath.sum(acc) / n + eps));
            for (int j = 0; j < stride; j += L) {
                FloatVector.fromArray(SPECIES, x, o + j).mul(inv).mul(FloatVector.fromArray(SPECIES, g, j)).intoArray(y, o + j);
            }
        }
    }

    @Override
    public void swiGlu(float[] gateUp, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int o = 2 * r * width;
            for (int j = 0; j < width; j += L) {
                FloatVector gate = FloatVector.fromArray(SPECIES, gateUp, o + j);
                FloatVector sigmoid = ONE.div(VectorMath.exp(gate.neg()).add(1f));
                gate.mul(sigmoid).mul(FloatVector.fromArray(SPECIES, gateUp, o + width + j)).intoArray(gateUp, o + j);
            }
        }
    }

    @Override
    public void attend(float[] q, int qOffset, float[] kT, float[] vT, int base, int capacity, int n, int d, float scale,
            float[] scores, float[] out, int outOffset) {
        int end = (n + L - 1) / L * L;
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < end; j += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int c = 0; c < d; c++) {
                acc = FloatVector.fromArray(SPECIES, kT, base + c * capacity + j)
                        .fma(FloatVector.broadcast(SPECIES, q[qOffset + c] * scale), acc);
            }
            if (j + L > n) {
                acc = acc.blend(Float.NEGATIVE_INFINITY, SPECIES.indexInRange(j, n).not());
            }
            max = max.max(acc);
            acc.intoArray(scores, j);
        }
        FloatVector shift = FloatVector.broadcast(SPECIES, max.reduceLanes(VectorOperators.MAX)); // exact in any order
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int j = 0; j < end; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, scores, j).sub(shift));
            e.intoArray(scores, j);
            sum = sum.add(e);
        }
        float inv = 1f / VectorMath.sum(sum);
        int c = 0;
        for (; c + 4 <= d; c += 4) { // four features at a time: independent chains
            int r0 = base + c * capacity;
            int r1 = r0 + capacity;
            int r2 = r1 + capacity;
            int r3 = r2 + capacity;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int j = 0; j < end; j += L) {
                FloatVector p = FloatVector.fromArray(SPECIES, scores, j);
                a0 = p.fma(FloatVector.fromArray(SPECIES, vT, r0 + j), a0);
                a1 = p.fma(FloatVector.fromArray(SPECIES, vT, r1 + j), a1);
                a2 = p.fma(FloatVector.fromArray(SPECIES, vT, r2 + j), a2);
                a3 = p.fma(FloatVector.fromArray(SPECIES, vT, r3 + j), a3);
            }
            out[outOffset + c] = VectorMath.sum(a0) * inv;
            out[outOffset + c + 1] = VectorMath.sum(a1) * inv;
            out[outOffset + c + 2] = VectorMath.sum(a2) * inv;
            out[outOffset + c + 3] = VectorMath.sum(a3) * inv;
        }
        for (; c < d; c++) {
            FloatVector acc = FloatVector.zero(SPECIES);
            int row = base + c * capacity;
            for (int j = 0; j < end; j += L) {
                acc = FloatVector.fromArray(SPECIES, scores, j).fma(FloatVector.fromArray(SPECIES, vT, row + j), acc);
            }
            out[outOffset + c] = VectorMath.sum(acc) * inv;
        }
    }
}
