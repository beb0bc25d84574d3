package org.prefalign.core.kernel;

import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.prefalign.core.math.VectorMath;

/**
 * {@link RowKernel} on the Vector API ({@code jdk.incubator.vector}) for FLOAT data, at the
 * widest vector shape the CPU has ({@link FloatVector#SPECIES_PREFERRED}).
 *
 * <p>The maximum keeps four independent accumulators so that one vector's comparison does not
 * wait on the previous one's. Partial sums are float (at most a few dozen terms per lane per
 * chunk) and are added into a double running sum.
 *
 * <p>The bits do not depend on the JIT: exponentials and lane sums are {@link VectorMath}'s, a
 * chunk is padded with −∞ to whole vectors (e^{−∞} = 0) so that no element takes a scalar path,
 * and the per-row scalars use {@link StrictMath}.
 *
 * <p>This class links only when the module {@code jdk.incubator.vector} is in the boot layer;
 * {@link TokenLogProbKernels} loads it reflectively through {@link #factory()}, so nothing else
 * refers to it.
 */
final class VectorRowKernel implements RowKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int UNROLL = 4 * LANES;

    /** A multiple of the vector length (CHUNK is a power of two ≥ any lane count), so padding fits. */
    private final float[] chunk = new float[ChunkedValues.CHUNK];

    /** How {@link TokenLogProbKernels} creates instances without naming this class. */
    static Supplier<RowKernel> factory() {
        return VectorRowKernel::new;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The running sum is kept relative to a reference m that is one of the row's values (so
     * terms never underflow for want of the true maximum), and m moves to a chunk's maximum only
     * when that chunk's float sum of e^{x − m} overflows (or on the row's first finite chunk):
     * lse = m + log Σ e^{x − m} holds for any m, and terms up to e^{88} fit a float. Most chunks
     * then take one pass (the exponentials) instead of two (maximum, then exponentials).
     */
    @Override
    public double logSumExp(ChunkedValues src, long start, int vocab) {
        double ref = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int from = 0; from < vocab; from += chunk.length) {
            int n = Math.min(chunk.length, vocab - from);
            src.read(start + from, chunk, n);
            int end = padded(chunk, n);
            if (ref != Double.NEGATIVE_INFINITY) {
                float s = sumExp(chunk, end, (float) ref);
                if (s < Float.POSITIVE_INFINITY) { // finite: not overflowed, no NaN
                    sum += s;
                    continue;
                }
            }
            // no finite value yet, or overflow, NaN or +∞: move the reference to the chunk's maximum
            float chunkMax = max(chunk, end);
            if (chunkMax > ref || Float.isNaN(chunkMax)) {
                sum *= StrictMath.exp(ref - chunkMax);
                ref = chunkMax;
            }
            if (ref == Double.NEGATIVE_INFINITY) {
                continue; // every value so far is −∞: nothing to add, and x − ref would be NaN
            }
            sum += sumExp(chunk, end, (float) ref);
        }
        return ref + StrictMath.log(sum);
    }

    @Override
    public void gradient(ChunkedValues src, long start, int vocab, int target, double lse, double u,
                         ChunkedValues dst, long dstStart) {
        FloatVector shift = FloatVector.broadcast(SPECIES, (float) lse);
        FloatVector scale = FloatVector.broadcast(SPECIES, (float) -u);
        for (int from = 0; from < vocab; from += chunk.length) {
            int n = Math.min(chunk.length, vocab - from);
            src.read(start + from, chunk, n);
            int t = target - from;
            float atTarget = t >= 0 && t < n ? (float) (-u * StrictMath.expm1(chunk[t] - lse)) : 0f;
            int end = padded(chunk, n);
            for (int i = 0; i < end; i += LANES) {
                VectorMath.exp(FloatVector.fromArray(SPECIES, chunk, i).sub(shift)).mul(scale).intoArray(chunk, i);
            }
            if (t >= 0 && t < n) {
                chunk[t] = atTarget; // 1 − p = −expm1(x − lse) keeps its digits when p is close to 1
            }
            dst.write(dstStart + from, chunk, n);
        }
    }

    /** Fills x[n, end) with −∞, end being n rounded up to whole vectors; returns end. */
    private static int padded(float[] x, int n) {
        int end = (n + LANES - 1) / LANES * LANES;
        java.util.Arrays.fill(x, n, end, Float.NEGATIVE_INFINITY);
        return end;
    }

    /** max_i x[i] over x[0, end), end a multiple of the vector length; NaN if any is NaN. */
    private static float max(float[] x, int end) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = 0;
        for (; i + UNROLL <= end; i += UNROLL) {
            m0 = m0.max(FloatVector.fromArray(SPECIES, x, i));
            m1 = m1.max(FloatVector.fromArray(SPECIES, x, i + LANES));
            m2 = m2.max(FloatVector.fromArray(SPECIES, x, i + 2 * LANES));
            m3 = m3.max(FloatVector.fromArray(SPECIES, x, i + 3 * LANES));
        }
        for (; i < end; i += LANES) {
            m0 = m0.max(FloatVector.fromArray(SPECIES, x, i));
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX); // exact in any order
    }

    /**
     * Σ_i e^{x[i] − shift} over x[0, end), end a multiple of the vector length. One accumulator:
     * the exponentials of successive vectors are independent, so they overlap anyway.
     */
    private static float sumExp(float[] x, int end, float shift) {
        FloatVector s = FloatVector.broadcast(SPECIES, shift);
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < end; i += LANES) {
            sum = sum.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, i).sub(s)));
        }
        return VectorMath.sum(sum);
    }
}
