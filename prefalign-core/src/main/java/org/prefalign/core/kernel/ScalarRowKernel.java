package org.prefalign.core.kernel;

/**
 * {@link RowKernel} in plain Java, computing in double whatever the stored type: the fallback
 * when the Vector API is absent, and the path for DOUBLE tensors (finite-difference checks).
 * It is bound by {@link Math#exp}, about ten times slower than {@link VectorRowKernel}.
 */
final class ScalarRowKernel implements RowKernel {

    private final double[] chunk = new double[ChunkedValues.CHUNK];

    @Override
    public double logSumExp(ChunkedValues src, long start, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int from = 0; from < vocab; from += chunk.length) {
            int n = Math.min(chunk.length, vocab - from);
            src.read(start + from, chunk, n);
            double chunkMax = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                chunkMax = Math.max(chunkMax, chunk[i]);
            }
            if (chunkMax > max || Double.isNaN(chunkMax)) {
                sum *= Math.exp(max - chunkMax);
                max = chunkMax;
            }
            if (max == Double.NEGATIVE_INFINITY) {
                continue; // every value so far is −∞: nothing to add, and x − max would be NaN
            }
            for (int i = 0; i < n; i++) {
                sum += Math.exp(chunk[i] - max);
            }
        }
        return max + Math.log(sum);
    }

    @Override
    public void gradient(ChunkedValues src, long start, int vocab, int target, double lse, double u,
                         ChunkedValues dst, long dstStart) {
        for (int from = 0; from < vocab; from += chunk.length) {
            int n = Math.min(chunk.length, vocab - from);
            src.read(start + from, chunk, n);
            int t = target - from;
            for (int i = 0; i < n; i++) {
                // at the target, 1 − p = −expm1(x − lse) keeps its digits when p is close to 1
                chunk[i] = i == t ? -u * Math.expm1(chunk[i] - lse) : -u * Math.exp(chunk[i] - lse);
            }
            dst.write(dstStart + from, chunk, n);
        }
    }
}
