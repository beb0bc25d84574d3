package org.prefalign.core.kernel;

import java.lang.ref.Reference;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link TokenLogProbKernel} that computes on the CPU over host memory, row by row on a fixed
 * number of threads (each row whole on one thread, so results do not depend on the thread
 * count). FLOAT rows go to the kernel's {@link RowKernel} (Vector API or scalar); DOUBLE rows
 * always to the scalar one, in double.
 *
 * <p>Besides the {@link INDArray} API it offers a flat {@code float[]} API for a model that
 * computes its output projection in row chunks: {@link #forward(float[], int, int, int, int[], int,
 * float[], float[])} and {@link #backward(float[], int, int, int, int[], int, float[], float[],
 * float[], int)}. Build instances with {@link TokenLogProbKernels}.
 */
public final class HostTokenLogProbKernel implements TokenLogProbKernel {

    private static final float[] ZEROS = new float[ChunkedValues.CHUNK];

    private final String name;
    private final Supplier<RowKernel> floatRows;
    private final int threads;
    private final int ignoreIndex;

    HostTokenLogProbKernel(String name, Supplier<RowKernel> floatRows, int threads, int ignoreIndex) {
        this.name = name;
        this.floatRows = floatRows;
        this.threads = RowParallel.requireThreads(threads);
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ignoreIndex() {
        return ignoreIndex;
    }

    /** The number of threads rows are spread over. */
    public int threads() {
        return threads;
    }

    @Override
    public TokenLogProbs forward(INDArray logits, INDArray targets) {
        TokenLogProbInputs in = TokenLogProbInputs.check(logits, targets, ignoreIndex);
        INDArray x = OffHeapValues.contiguous(logits);
        int rows = in.batch * in.time;
        int v = in.vocab;
        double[] logp = new double[rows];
        double[] lse = new double[rows];
        Supplier<RowKernel> kernels = rowKernels(x.dataType());
        RowParallel.forEachRange(rows, threads, (from, to) -> {
            OffHeapValues src = OffHeapValues.of(x);
            RowKernel k = kernels.get();
            for (int r = from; r < to; r++) {
                int y = in.targets[r];
                if (y != TokenLogProbInputs.IGNORED) {
                    long start = (long) r * v;
                    double l = k.logSumExp(src, start, v);
                    in.requireFiniteLse(l, r);
                    lse[r] = l;
                    logp[r] = src.get(start + y) - l;
                }
            }
        });
        Reference.reachabilityFence(x);
        return new TokenLogProbs(in.matrix(logp, x.dataType()), in.matrix(lse, x.dataType()));
    }

    @Override
    public void backward(INDArray logits, INDArray targets, INDArray lse, INDArray upstream, INDArray gradOut) {
        TokenLogProbInputs in = TokenLogProbInputs.check(logits, targets, ignoreIndex);
        in.requireGradientOutput(gradOut, logits);
        double[] l = in.rowValues(lse, "lse");
        double[] u = in.rowValues(upstream, "upstream");
        for (int r = 0; r < l.length; r++) {
            if (in.targets[r] != TokenLogProbInputs.IGNORED) {
                in.requireFinite(l[r], "lse", r);
                in.requireFinite(u[r], "upstream", r);
            }
        }
        INDArray x = OffHeapValues.contiguous(logits);
        int v = in.vocab;
        Supplier<RowKernel> kernels = rowKernels(x.dataType());
        RowParallel.forEachRange(l.length, threads, (from, to) -> {
            OffHeapValues src = OffHeapValues.of(x);
            OffHeapValues dst = OffHeapValues.of(gradOut);
            RowKernel k = kernels.get();
            for (int r = from; r < to; r++) {
                long start = (long) r * v;
                int y = in.targets[r];
                if (y == TokenLogProbInputs.IGNORED) {
                    zero(dst, start, v);
                } else {
                    k.gradient(src, start, v, y, l[r], u[r], dst, start);
                }
            }
        });
        OffHeapValues.markWritten(gradOut);
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(gradOut);
    }

    /**
     * Token log-probs of {@code rows} rows of logits held in a Java array: row r is
     * {@code logits[offset + r·vocab, offset + (r+1)·vocab)}, its target {@code targets[rowOffset + r]},
     * and its results go to {@code logp[rowOffset + r]} and {@code lse[rowOffset + r]} (0 for an
     * ignored target). Meant for a model that projects hidden states to logits a chunk of rows at
     * a time, so that [B, T, V] never exists.
     *
     * @throws IllegalArgumentException for ranges outside the arrays, a target outside [0, vocab)
     *                                  that is not the ignore index, or a row with no finite
     *                                  log-sum-exp
     */
    public void forward(float[] logits, int offset, int rows, int vocab, int[] targets, int rowOffset,
                        float[] logp, float[] lse) {
        checkFlat(logits, offset, rows, vocab, targets, rowOffset);
        requireRowRange(logp, "logp", rowOffset, rows);
        requireRowRange(lse, "lse", rowOffset, rows);
        RowParallel.forEachRange(rows, threads, (from, to) -> {
            HeapFloats src = new HeapFloats(logits, offset);
            RowKernel k = floatRows.get();
            for (int r = from; r < to; r++) {
                int y = targets[rowOffset + r];
                if (y == ignoreIndex) {
                    logp[rowOffset + r] = 0f;
                    lse[rowOffset + r] = 0f;
                    continue;
                }
                long start = (long) r * vocab;
                double l = k.logSumExp(src, start, vocab);
                if (!Double.isFinite(l)) {
                    throw new IllegalArgumentException("logits row " + r + " (targets[" + (rowOffset + r)
                            + "]) has log-sum-exp " + l + ": it holds NaN or +Infinity, or is entirely -Infinity");
                }
                lse[rowOffset + r] = (float) l;
                logp[rowOffset + r] = (float) (src.get(start + y) - l);
            }
        });
    }

    /**
     * The gradient of Σ_r upstream[rowOffset + r] · logp[rowOffset + r] with respect to the rows of
     * {@link #forward(float[], int, int, int, int[], int, float[], float[])}, written to
     * {@code grad[gradOffset + r·vocab + v]}. {@code grad} may be {@code logits} with
     * {@code gradOffset == offset} (the logits are overwritten); other overlaps are not allowed.
     */
    public void backward(float[] logits, int offset, int rows, int vocab, int[] targets, int rowOffset,
                         float[] lse, float[] upstream, float[] grad, int gradOffset) {
        checkFlat(logits, offset, rows, vocab, targets, rowOffset);
        requireRowRange(lse, "lse", rowOffset, rows);
        requireRowRange(upstream, "upstream", rowOffset, rows);
        if (grad == null || gradOffset < 0 || gradOffset + (long) rows * vocab > grad.length) {
            throw new IllegalArgumentException("grad must hold rows*vocab = " + (long) rows * vocab
                    + " values from gradOffset " + gradOffset + ", got length " + (grad == null ? "null" : grad.length));
        }
        for (int r = 0; r < rows; r++) {
            int i = rowOffset + r;
            if (targets[i] != ignoreIndex && (!Float.isFinite(lse[i]) || !Float.isFinite(upstream[i]))) {
                throw new IllegalArgumentException("lse[" + i + "] = " + lse[i] + " and upstream[" + i + "] = "
                        + upstream[i] + " must be finite");
            }
        }
        RowParallel.forEachRange(rows, threads, (from, to) -> {
            HeapFloats src = new HeapFloats(logits, offset);
            HeapFloats dst = new HeapFloats(grad, gradOffset);
            RowKernel k = floatRows.get();
            for (int r = from; r < to; r++) {
                long start = (long) r * vocab;
                int y = targets[rowOffset + r];
                if (y == ignoreIndex) {
                    zero(dst, start, vocab);
                } else {
                    k.gradient(src, start, vocab, y, lse[rowOffset + r], upstream[rowOffset + r], dst, start);
                }
            }
        });
    }

    @Override
    public String toString() {
        return "TokenLogProbKernel[" + name + ", threads=" + threads + ", ignoreIndex=" + ignoreIndex + "]";
    }

    private Supplier<RowKernel> rowKernels(DataType type) {
        return type == DataType.DOUBLE ? ScalarRowKernel::new : floatRows;
    }

    private void checkFlat(float[] logits, int offset, int rows, int vocab, int[] targets, int rowOffset) {
        if (rows < 0 || vocab < 1) {
            throw new IllegalArgumentException("rows must be >= 0 and vocab >= 1, got rows=" + rows + ", vocab=" + vocab);
        }
        if (logits == null || offset < 0 || offset + (long) rows * vocab > logits.length) {
            throw new IllegalArgumentException("logits must hold rows*vocab = " + (long) rows * vocab
                    + " values from offset " + offset + ", got length " + (logits == null ? "null" : logits.length));
        }
        if (targets == null || rowOffset < 0 || rowOffset + (long) rows > targets.length) {
            throw new IllegalArgumentException("targets must hold rows = " + rows + " ids from rowOffset " + rowOffset
                    + ", got length " + (targets == null ? "null" : targets.length));
        }
        for (int i = rowOffset; i < rowOffset + rows; i++) {
            if (targets[i] != ignoreIndex && (targets[i] < 0 || targets[i] >= vocab)) {
                throw new IllegalArgumentException("targets[" + i + "] = " + targets[i] + " is outside the vocabulary [0, "
                        + vocab + ") and is not the ignore index " + ignoreIndex);
            }
        }
    }

    private static void requireRowRange(float[] a, String name, int rowOffset, int rows) {
        if (a == null || rowOffset < 0 || rowOffset + (long) rows > a.length) {
            throw new IllegalArgumentException(name + " must hold rows = " + rows + " values from rowOffset " + rowOffset
                    + ", got length " + (a == null ? "null" : a.length));
        }
    }

    private static void zero(ChunkedValues dst, long start, int vocab) {
        for (int from = 0; from < vocab; from += ZEROS.length) {
            dst.write(start + from, ZEROS, Math.min(ZEROS.length, vocab - from));
        }
    }
}
