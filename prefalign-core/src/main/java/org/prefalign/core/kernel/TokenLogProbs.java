package org.prefalign.core.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of {@link TokenLogProbKernel#forward}.
 *
 * @param logp [B, T] log softmax(logits)[target]; 0 at ignored positions
 * @param lse  [B, T] log Σ_v e^{logits[b,t,v]}, kept for the backward pass; 0 at ignored positions
 */
public record TokenLogProbs(INDArray logp, INDArray lse) {
}
