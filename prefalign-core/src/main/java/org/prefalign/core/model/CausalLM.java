package org.prefalign.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.KeyValueCache;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;

/**
 * A causal (decoder-only) language model: p(x_t | x_&lt;t). Training code reaches it through a
 * {@link ForwardPass}; generation through {@link #newCache} and {@link #decode}.
 */
public interface CausalLM extends Trainable {

    int vocabSize();

    /** Width of the final hidden states (what heads read). */
    int hiddenSize();

    /** The element type of parameters and activations. */
    DataType dataType();

    /** The longest sequence (prompt plus completion) the model supports. */
    int contextLength();

    /**
     * The final hidden states [B·T, hiddenSize] (after the last norm), row b·T + t for token t of
     * sequence b. Recorded on the tape when it records and the parameters require gradients.
     */
    Tensor hiddenStates(Tape tape, TokenBatch batch);

    /**
     * log softmax(logits / τ)[target] per row of hidden states [N, hiddenSize] (flat targets, N of
     * them; negative = ignored, giving 0), without materialising all logits at once.
     */
    Tensor tokenLogProbs(Tape tape, Tensor hidden, int[] targets, double temperature);

    /** Logits [rows, V] of the given rows of hidden states. */
    Tensor logits(Tape tape, Tensor hidden, int[] rows);

    /** An empty key/value cache for incremental decoding of {@code batch} sequences. */
    KeyValueCache newCache(int batch, int capacity);

    /**
     * Appends a step of tokens (B × Tq, with attention mask and positions) to the cache and returns
     * the logits [B, V] after each sequence's last token of the step (a fresh array the caller owns).
     * Inference only. With left-padded prompts as the first step, the last column is every
     * prompt's last token.
     */
    INDArray decode(KeyValueCache cache, TokenBatch step);

    /** Token log-probs [B, T] of {@code targets} (see {@link TokenBatch#nextTokenTargets()}), no gradients. */
    default INDArray logProbs(TokenBatch batch, int[][] targets) {
        try (ForwardPass pass = ForwardPass.inference(this, batch)) {
            return pass.tokenLogProbs(targets).value().dup();
        }
    }
}
