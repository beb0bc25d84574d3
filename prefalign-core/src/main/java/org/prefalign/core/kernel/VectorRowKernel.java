package org.prefalign.core.kernel;

import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the Vector API ({@code jdk.incubator.vector}) for FLOAT data, at the
 * widest vector shape the CPU has ({@link FloatVector#SPECIES_PREFERRED}).
 *
 * <p>Each pass over a chunk keeps four independent accumulators so that the adds of one vector
 * do not wait on the previous one's. Exponentials use {@link VectorOperators#EXP}, which HotSpot
 * compiles to a vectorised math routine on x86. Partial sums are float (at most a few dozen
 * terms per lane per chunk) and are added into a double running sum.
 *
 * <p>This class links only when the module {@code jdk.incubator.vector} is in the boot layer;
 * {@link TokenLogProbKernels} loads it reflectively through {@link #factory()}, so nothing else
 * refers to it.
 */
final class VectorRowKernel implements RowKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int UNROLL = 4 * LANES;

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
            if (ref != Double.NEGATIVE_INFINITY) {
                float s = sumExp(chunk, n, (float) ref);
                if (s < Float.POSITIVE_INFINITY) { // finite: not overflowed, no NaN
                    sum += s;
                    continue;
                }
            }
            // no finite value yet, or overflow, NaN or +∞: move the reference to the chunk's maximum
            float chunkMax = max(chunk, n);
            if (chunkMax > ref || Float.isNaN(chunkMax)) {
                sum *= Math.exp(ref - chunkMax);
                ref = chunkMax;
            }
            if (ref == Double.NEGATIVE_INFINITY) {
                continue; // every value so far is −∞: nothing to add, and x − ref would be NaN
            }
            sum += sumExp(chunk, n, (float) ref);
        }
        return ref + Math.log(sum);
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
            float atTarget = t >= 0 && t < n ? (float) (-u * Math.expm1(chunk[t] - lse)) : 0f;
            int i = 0;
            for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
                FloatVector.fromArray(SPECIES, chunk, i).sub(shift).lanewise(VectorOperators.EXP).mul(scale)
                        .intoArray(chunk, i);
            }
            for (; i < n; i++) {
                chunk[i] = (float) (-u * Math.exp(chunk[i] - lse));
            }
            if (t >= 0 && t < n) {
                chunk[t] = atTarget; // 1 − p = −expm1(x − lse) keeps its digits when p is close to 1
            }
            dst.write(dstStart + from, chunk, n);
        }
    }

    /** max_i x[i] over x[0, n); NaN if any is NaN. */
    private static float max(float[] x, int n) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = 0;
        for (int bound = n - n % UNROLL; i < bound; i += UNROLL) {
            m0 = m0.max(FloatVector.fromArray(SPECIES, x, i));
            m1 = m1.max(FloatVector.fromArray(SPECIES, x, i + LANES));
            m2 = m2.max(FloatVector.fromArray(SPECIES, x, i + 2 * LANES));
            m3 = m3.max(FloatVector.fromArray(SPECIES, x, i + 3 * LANES));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    /** Σ_i e^{x[i] − shift} over x[0, n). */
    private static float sumExp(float[] x, int n, float shift) {
        FloatVector s = FloatVector.broadcast(SPECIES, shift);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (int bound = n - n % UNROLL; i < bound; i += UNROLL) {
            a0 = a0.add(FloatVector.fromArray(SPECIES, x, i).sub(s).lanewise(VectorOperators.EXP));
            a1 = a1.add(FloatVector.fromArray(SPECIES, x, i + LANES).sub(s).lanewise(VectorOperators.EXP));
            a2 = a2.add(FloatVector.fromArray(SPECIES, x, i + 2 * LANES).sub(s).lanewise(VectorOperators.EXP));
            a3 = a3.add(FloatVector.fromArray(SPECIES, x, i + 3 * LANES).sub(s).lanewise(VectorOperators.EXP));
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += (float) Math.exp(x[i] - shift);
        }
        return sum;
    }
}
