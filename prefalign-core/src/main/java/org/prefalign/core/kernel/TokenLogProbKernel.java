package org.prefalign.core.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token log-probs from logits, and their gradient: for logits x ∈ ℝ^{B×T×V} and target ids y,
 *
 * <pre>
 *   logp[b,t] = log softmax(x[b,t,:])[y[b,t]] = x[b,t,y] − lse[b,t],   lse[b,t] = log Σ_v e^{x[b,t,v]}
 *   ∂logp[b,t] / ∂x[b,t,v] = 1[v = y[b,t]] − softmax(x[b,t,:])[v]
 * </pre>
 *
 * <p>This is the step between a language model's output and every preference objective, and
 * the largest tensor of a training step ([B, T, V] with V in the tens of thousands), so it is
 * computed without materialising log-softmax: {@link #forward} reads each row once and keeps only
 * the per-row log-sum-exp, from which {@link #backward} rebuilds the softmax in one more pass.
 *
 * <p>A target equal to the ignore index (default {@value #DEFAULT_IGNORE_INDEX}, PyTorch's
 * {@code ignore_index} and TRL's {@code label_pad_token_id}) gives logp 0, lse 0 and a zero
 * gradient row; any other target outside [0, V) is an {@link IllegalArgumentException} naming
 * its position. Logits are FLOAT (computed as float, results float) or DOUBLE (computed in
 * double). Implementations: {@link TokenLogProbKernels}.
 */
public interface TokenLogProbKernel {

    /** The target id that marks a position to skip (prompt or padding). */
    int DEFAULT_IGNORE_INDEX = -100;

    /** A short name: "vector", "scalar" or "nd4j". */
    String name();

    /** The ignore index this kernel skips. */
    int ignoreIndex();

    /**
     * logp and lse, both [B, T] in the logits' type.
     *
     * @param logits  [B, T, V], FLOAT or DOUBLE (any strides; non-contiguous input is copied)
     * @param targets [B, T] integer ids in [0, V), or the ignore index
     * @throws IllegalArgumentException naming the input for a wrong shape or type, a target out of
     *                                  range, or a row of logits with no finite log-sum-exp
     */
    TokenLogProbs forward(INDArray logits, INDArray targets);

    /**
     * d(Σ upstream·logp)/d logits = upstream[b,t] · (onehot(y[b,t]) − softmax(x[b,t,:])), in a new
     * [B, T, V] array of the logits' type.
     *
     * @param lse      the {@link TokenLogProbs#lse()} of {@link #forward} on the same logits
     * @param upstream [B, T] d loss / d logp
     */
    default INDArray backward(INDArray logits, INDArray targets, INDArray lse, INDArray upstream) {
        INDArray out = Nd4j.createUninitialized(logits.dataType(), logits.shape());
        backward(logits, targets, lse, upstream, out);
        return out;
    }

    /**
     * As {@link #backward(INDArray, INDArray, INDArray, INDArray)}, writing every element of
     * {@code gradOut} (C-contiguous, the logits' shape and type). {@code gradOut} may be
     * {@code logits} itself when they are C-contiguous: the logits are then overwritten.
     */
    void backward(INDArray logits, INDArray targets, INDArray lse, INDArray upstream, INDArray gradOut);
}
