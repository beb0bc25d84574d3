package org.prefalign.core.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.prefalign.core.kernel.TokenLogProbKernel;
import org.prefalign.core.kernel.TokenLogProbKernels;

/**
 * Log-probabilities of target tokens under the output head, log p(t_i) = z_i[t_i] − log Σ_v e^{z_i[v]}
 * with logits z_i = h_i Wᵀ / τ, computed in chunks of rows so the [N, V] logits never exist whole
 * (the idea of Liger-Kernel's fused linear cross-entropy: Hsu et al., 2024, arXiv:2410.10989).
 *
 * <p>Forward keeps only each row's log-sum-exp; backward recomputes each chunk's logits and uses
 * dL/dz_i = g_i (onehot(t_i) − softmax(z_i)) / τ, then dL/dh = dz W and dL/dW = dzᵀ h. Rows whose
 * target is negative are ignored: log-prob 0, no gradient.
 *
 * <p>The log-softmax-and-pick of a chunk and its gradient are the core kernel's
 * ({@link TokenLogProbKernel}): the one-pass Vector API kernel, which reads ND4J's buffer in
 * place, where {@link Implementation#AUTO} picks vector kernels (CPU backend, float32, the module
 * present), else the kernel of ND4J ops (device backends, double precision).
 */
public final class TokenLogProbs {

    /** Logit elements per chunk (16 MiB of float32): bounds the transient memory at any vocabulary. */
    public static final long CHUNK_ELEMENTS = 1L << 22;

    private static final int IGNORED = TokenLogProbKernel.DEFAULT_IGNORE_INDEX;
    private static final TokenLogProbKernel ARRAY_OPS_KERNEL = TokenLogProbKernels.nd4j(IGNORED);

    /** Built on first use: only a JVM with the Vector API module may load it. */
    private static final class VectorKernel {
        static final TokenLogProbKernel INSTANCE =
                TokenLogProbKernels.vector(Runtime.getRuntime().availableProcessors(), IGNORED);
    }

    private TokenLogProbs() {
    }

    /** Rows per chunk for a vocabulary of size V under {@link #CHUNK_ELEMENTS}. */
    public static int defaultChunkRows(long vocab) {
        return (int) Math.max(1, CHUNK_ELEMENTS / vocab);
    }

    /** {@link #apply(Tape, Tensor, Tensor, int[], double, int, Implementation)} with {@link Implementation#AUTO}. */
    public static Tensor apply(Tape tape, Tensor hidden, Tensor weight, int[] targets, double temperature, int chunkRows) {
        return apply(tape, hidden, weight, targets, temperature, chunkRows, Implementation.AUTO);
    }

    /**
     * @param hidden         final hidden states [N, D]
     * @param weight         output head [V, D] (the embedding table when tied)
     * @param targets        N target ids in [0, V), or negative to ignore the row
     * @param temperature    τ &gt; 0 dividing the logits (1 for plain log-probs)
     * @param chunkRows      rows whose logits exist at once
     * @param implementation which kernel computes log-softmax and pick ({@link Implementation#VECTOR}:
     *                       the Vector API kernel; {@link Implementation#ARRAY_OPS}: ND4J ops)
     * @return log-probs [N]
     * @throws IllegalArgumentException for mismatched shapes or types, a target ≥ V, a temperature
     *                                  that is not positive and finite, chunkRows ≤ 0, or a row of
     *                                  logits without a finite log-sum-exp
     */
    public static Tensor apply(Tape tape, Tensor hidden, Tensor weight, int[] targets, double temperature, int chunkRows,
                               Implementation implementation) {
        long n = hidden.shape()[0];
        long vocab = weight.shape()[0];
        if (hidden.value().rank() != 2 || weight.value().rank() != 2 || hidden.shape()[1] != weight.shape()[1]) {
            throw new IllegalArgumentException("token log-probs need hidden [N, D] and weight [V, D], got "
                    + Arrays.toString(hidden.shape()) + " and " + Arrays.toString(weight.shape()));
        }
        if (targets.length != n) {
            throw new IllegalArgumentException("targets has " + targets.length + " entries for " + n + " rows");
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] >= vocab) {
                throw new IllegalArgumentException("targets[" + i + "] = " + targets[i] + " outside [0, " + vocab + ")");
            }
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("chunkRows must be positive, got " + chunkRows);
        }
        Add.checkTypes(hidden, weight);
        TokenLogProbKernel kernel = implementation.vectorFor(hidden.dataType(), "token log-prob")
                ? VectorKernel.INSTANCE : ARRAY_OPS_KERNEL;
        boolean grad = tape.needsGrad(hidden, weight);
        INDArray logProbs = Nd4j.create(hidden.dataType(), n);
        INDArray logSumExp = Nd4j.create(hidden.dataType(), n);
        for (long r0 = 0; r0 < n; r0 += chunkRows) {
            long r1 = Math.min(n, r0 + chunkRows);
            INDArray logits = chunkLogits(hidden.value(), weight.value(), r0, r1, temperature);
            INDArray chunkTargets = kernelTargets(targets, r0, r1);
            org.prefalign.core.kernel.TokenLogProbs picked = kernel.forward(asBatch(logits), chunkTargets);
            logProbs.get(NDArrayIndex.interval(r0, r1)).assign(picked.logp().reshape(r1 - r0));
            logSumExp.get(NDArrayIndex.interval(r0, r1)).assign(picked.lse().reshape(r1 - r0));
            Buffers.release(logits, chunkTargets, picked.logp(), picked.lse());
        }
        Tensor out = tape.output(logProbs, grad);
        if (!grad) {
            Buffers.release(logSumExp);
            return out;
        }
        tape.own(logSumExp);
        tape.record(out, () -> {
            for (long r0 = 0; r0 < n; r0 += chunkRows) {
                long r1 = Math.min(n, r0 + chunkRows);
                long rows = r1 - r0;
                INDArray dz = chunkLogits(hidden.value(), weight.value(), r0, r1, temperature);
                INDArray chunkTargets = kernelTargets(targets, r0, r1);
                // d(g · logp)/dz = g (onehot − softmax), and z = hWᵀ/τ: the kernel's upstream is g/τ
                INDArray upstream = out.grad().get(NDArrayIndex.interval(r0, r1)).mul(1.0 / temperature);
                INDArray lse = logSumExp.get(NDArrayIndex.interval(r0, r1));
                kernel.backward(asBatch(dz), chunkTargets, lse.reshape(1, rows), upstream.reshape(1, rows), asBatch(dz));
                if (hidden.requiresGrad()) {
                    INDArray dh = hidden.gradBuffer().get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                    Nd4j.gemm(dz, weight.value(), dh, false, false, 1.0, 1.0);
                }
                if (weight.requiresGrad()) {
                    INDArray hc = hidden.value().get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                    Nd4j.gemm(dz, hc, weight.gradBuffer(), true, false, 1.0, 1.0);
                }
                Buffers.release(dz, chunkTargets, upstream);
            }
        });
        return out;
    }

    /** z = h[r0:r1] Wᵀ / τ, a fresh C-ordered [r1 − r0, V] array. */
    private static INDArray chunkLogits(INDArray hidden, INDArray weight, long r0, long r1, double temperature) {
        INDArray hc = hidden.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
        INDArray z = MatMul.product(hc, weight, false, true);
        if (temperature != 1.0) {
            z.muli(1.0 / temperature);
        }
        return z;
    }

    /** A [rows, V] chunk seen as the kernel's [B = 1, T = rows, V] (a view of the same buffer). */
    private static INDArray asBatch(INDArray chunk) {
        return chunk.reshape(1, chunk.size(0), chunk.size(1));
    }

    /** targets[r0:r1] as the kernel's [1, rows] ids, every negative (ignored) target as its ignore index. */
    private static INDArray kernelTargets(int[] targets, long r0, long r1) {
        int[] t = Arrays.copyOfRange(targets, (int) r0, (int) r1);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0) {
                t[i] = IGNORED;
            }
        }
        return Nd4j.createFromArray(t).reshape(1, t.length);
    }
}
