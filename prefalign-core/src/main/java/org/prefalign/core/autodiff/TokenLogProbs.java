package org.prefalign.core.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Log-probabilities of target tokens under the output head, log p(t_i) = z_i[t_i] − log Σ_v e^{z_i[v]}
 * with logits z_i = h_i Wᵀ / τ, computed in chunks of rows so the [N, V] logits never exist whole
 * (the idea of Liger-Kernel's fused linear cross-entropy: Hsu et al., 2024, arXiv:2410.10989).
 *
 * <p>Forward keeps only each row's log-sum-exp; backward recomputes each chunk's logits and uses
 * dL/dz_i = g_i (onehot(t_i) − softmax(z_i)) / τ, then dL/dh = dz W and dL/dW = dzᵀ h. Rows whose
 * target is negative are ignored: log-prob 0, no gradient.
 */
public final class TokenLogProbs {

    /** Logit elements per chunk (16 MiB of float32): bounds the transient memory at any vocabulary. */
    public static final long CHUNK_ELEMENTS = 1L << 22;

    private TokenLogProbs() {
    }

    /** Rows per chunk for a vocabulary of size V under {@link #CHUNK_ELEMENTS}. */
    public static int defaultChunkRows(long vocab) {
        return (int) Math.max(1, CHUNK_ELEMENTS / vocab);
    }

    /**
     * @param hidden final hidden states [N, D]
     * @param weight output head [V, D] (the embedding table when tied)
     * @param targets N target ids in [0, V), or negative to ignore the row
     * @param temperature τ &gt; 0 dividing the logits (1 for plain log-probs)
     * @param chunkRows rows whose logits exist at once
     * @return log-probs [N]
     */
    public static Tensor apply(Tape tape, Tensor hidden, Tensor weight, int[] targets, double temperature, int chunkRows) {
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
        boolean grad = tape.needsGrad(hidden, weight);
        INDArray logProbs = Nd4j.create(hidden.dataType(), n);
        INDArray logSumExp = Nd4j.create(hidden.dataType(), n);
        for (long r0 = 0; r0 < n; r0 += chunkRows) {
            long r1 = Math.min(n, r0 + chunkRows);
            int[] chunkTargets = validTargets(targets, r0, r1);
            INDArray logits = chunkLogits(hidden.value(), weight.value(), r0, r1, temperature);
            INDArray lp = Nd4j.create(hidden.dataType(), r1 - r0);
            INDArray lse = Nd4j.create(hidden.dataType(), r1 - r0);
            logSoftmaxPick(logits, chunkTargets, lp, lse);
            logProbs.get(NDArrayIndex.interval(r0, r1)).assign(lp);
            logSumExp.get(NDArrayIndex.interval(r0, r1)).assign(lse);
            Buffers.release(logits, lp, lse);
        }
        INDArray valid = validRows(targets, hidden);
        logProbs.muli(valid);
        Tensor out = tape.output(logProbs, grad);
        if (!grad) {
            Buffers.release(logSumExp, valid);
            return out;
        }
        tape.own(logSumExp);
        tape.own(valid);
        tape.record(out, () -> {
            INDArray g = out.grad().mul(valid);
            for (long r0 = 0; r0 < n; r0 += chunkRows) {
                long r1 = Math.min(n, r0 + chunkRows);
                INDArray dz = chunkLogits(hidden.value(), weight.value(), r0, r1, temperature);
                INDArray gc = g.get(NDArrayIndex.interval(r0, r1)).reshape(r1 - r0, 1);
                // dz = g (onehot − softmax) / τ, softmax = exp(z − lse)
                dz.subiColumnVector(logSumExp.get(NDArrayIndex.interval(r0, r1)).reshape(r1 - r0, 1));
                Transforms.exp(dz, false);
                dz.muliColumnVector(gc).negi();
                addAtTargets(dz, validTargets(targets, r0, r1), gc);
                dz.muli(1.0 / temperature);
                INDArray hc = hidden.value().get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                if (hidden.requiresGrad()) {
                    INDArray dh = hidden.gradBuffer().get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                    Nd4j.gemm(dz, weight.value(), dh, false, false, 1.0, 1.0);
                }
                if (weight.requiresGrad()) {
                    Nd4j.gemm(dz, hc, weight.gradBuffer(), true, false, 1.0, 1.0);
                }
                Buffers.release(dz);
            }
            Buffers.release(g);
        });
        return out;
    }

    /**
     * The pick step, for each row i of a logits chunk: lse_i = log Σ_v e^{z[i, v]} and
     * logProb_i = z[i, t_i] − lse_i. It may overwrite {@code logits}. This is the one place a
     * faster single-pass kernel plugs in.
     */
    static void logSoftmaxPick(INDArray logits, int[] targets, INDArray logProbs, INDArray logSumExp) {
        long rows = logits.size(0);
        long vocab = logits.size(1);
        INDArray picked = Nd4j.pullRows(logits.reshape(rows * vocab, 1), 1, flatIndices(targets, vocab)).reshape(rows);
        INDArray max = logits.max(true, 1);
        logits.subiColumnVector(max);
        Transforms.exp(logits, false);
        INDArray sum = logits.sum(1);
        Transforms.log(sum, false);
        logSumExp.assign(sum.addi(max.reshape(rows)));
        logProbs.assign(picked).subi(logSumExp);
        Buffers.release(max, sum);
    }

    /** z = h[r0:r1] Wᵀ / τ, a fresh [r1 − r0, V] array. */
    private static INDArray chunkLogits(INDArray hidden, INDArray weight, long r0, long r1, double temperature) {
        INDArray hc = hidden.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
        INDArray z = MatMul.product(hc, weight, false, true);
        if (temperature != 1.0) {
            z.muli(1.0 / temperature);
        }
        return z;
    }

    /** dz[i, t_i] += g_i (the race-free scatter, as in {@link RowGather}). */
    @SuppressWarnings("deprecation")
    private static void addAtTargets(INDArray dz, int[] targets, INDArray g) {
        long rows = dz.size(0);
        long vocab = dz.size(1);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, dz.reshape(rows * vocab, 1),
                Nd4j.createFromArray(flatIndices(targets, vocab)), g, 1);
    }

    /** Row-major positions i·V + t_i of the target entries. */
    private static int[] flatIndices(int[] targets, long vocab) {
        int[] flat = new int[targets.length];
        for (int i = 0; i < targets.length; i++) {
            flat[i] = Math.toIntExact(i * vocab + targets[i]);
        }
        return flat;
    }

    /** targets[r0:r1] with ignored (negative) entries replaced by 0; their rows are masked out. */
    private static int[] validTargets(int[] targets, long r0, long r1) {
        int[] t = Arrays.copyOfRange(targets, (int) r0, (int) r1);
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.max(t[i], 0);
        }
        return t;
    }

    /** 1 for rows with a target, 0 for ignored rows. */
    private static INDArray validRows(int[] targets, Tensor like) {
        double[] m = new double[targets.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = targets[i] >= 0 ? 1 : 0;
        }
        return Nd4j.create(m, new long[] {m.length}, like.dataType());
    }
}
