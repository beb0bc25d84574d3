package org.prefalign.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.kernel.ChunkedValues;
import org.prefalign.core.kernel.OffHeapValues;
import org.prefalign.core.kernel.RowParallel;

/**
 * The memory-bandwidth floor of a kernel that reads every logit once: a Vector API sum with four
 * accumulators over the same floats, read the same way (chunks of {@link ChunkedValues#CHUNK}
 * through {@link OffHeapValues}), split into rows over the same threads. No kernel that reads its
 * input once through that path can be faster.
 */
final class BandwidthFloor {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int UNROLL = 4 * LANES;

    private BandwidthFloor() {
    }

    /** The sum of all elements of a C-contiguous FLOAT array whose last dimension is a row. */
    static double sum(INDArray x, int threads) {
        int vocab = (int) x.size(x.rank() - 1);
        int rows = (int) (x.length() / vocab);
        double[] rowSums = new double[rows];
        RowParallel.forEachRange(rows, threads, (from, to) -> {
            OffHeapValues src = OffHeapValues.of(x);
            float[] chunk = new float[ChunkedValues.CHUNK];
            for (int r = from; r < to; r++) {
                double s = 0;
                for (int c = 0; c < vocab; c += chunk.length) {
                    int n = Math.min(chunk.length, vocab - c);
                    src.read((long) r * vocab + c, chunk, n);
                    s += sum(chunk, n);
                }
                rowSums[r] = s;
            }
        });
        double total = 0;
        for (double s : rowSums) {
            total += s;
        }
        return total;
    }

    private static float sum(float[] x, int n) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (int bound = n - n % UNROLL; i < bound; i += UNROLL) {
            a0 = a0.add(FloatVector.fromArray(SPECIES, x, i));
            a1 = a1.add(FloatVector.fromArray(SPECIES, x, i + LANES));
            a2 = a2.add(FloatVector.fromArray(SPECIES, x, i + 2 * LANES));
            a3 = a3.add(FloatVector.fromArray(SPECIES, x, i + 3 * LANES));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i];
        }
        return s;
    }
}
