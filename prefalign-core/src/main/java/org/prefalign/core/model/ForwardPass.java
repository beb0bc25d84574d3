package org.prefalign.core.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Reshape;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;

/**
 * One forward pass of a {@link CausalLM} over a batch, and what training reads from it: token
 * log-probs, logits, head outputs, and the backward entry that turns d(loss)/d(those outputs)
 * into parameter gradients.
 *
 * <pre>{@code
 * try (ForwardPass pass = ForwardPass.training(policy, batch)) {
 *     Tensor logps = pass.tokenLogProbs(batch.nextTokenTargets());   // [B, T]
 *     INDArray dLogps = objectiveGradient(logps.value());            // d loss / d logps
 *     pass.backward(logps, dLogps);                                   // accumulates into policy.parameters()
 * }
 * }</pre>
 * Arrays read from the pass are freed when it closes: copy what you keep.
 */
public final class ForwardPass implements AutoCloseable {

    private final CausalLM model;
    private final TokenBatch batch;
    private final Tape tape;
    private final Tensor hidden;

    private ForwardPass(CausalLM model, TokenBatch batch, Tape tape) {
        this.model = model;
        this.batch = batch;
        this.tape = tape;
        try {
            this.hidden = model.hiddenStates(tape, batch);
        } catch (RuntimeException e) {
            tape.close();
            throw e;
        }
    }

    /** A pass recorded for backward. */
    public static ForwardPass training(CausalLM model, TokenBatch batch) {
        return new ForwardPass(model, batch, Tape.recording());
    }

    /** A pass without gradients (reference log-probs, scoring, evaluation). */
    public static ForwardPass inference(CausalLM model, TokenBatch batch) {
        return new ForwardPass(model, batch, Tape.inference());
    }

    public TokenBatch batch() {
        return batch;
    }

    /** Final hidden states [B·T, hidden]. */
    public Tensor hidden() {
        return hidden;
    }

    /** log p(targets[b][t] | tokens[b][≤t]) as [B, T]; negative targets are ignored (0). */
    public Tensor tokenLogProbs(int[][] targets) {
        return tokenLogProbs(targets, 1.0);
    }

    /** Token log-probs under softmax(logits / temperature), as PPO-style trainers compute them. */
    public Tensor tokenLogProbs(int[][] targets, double temperature) {
        if (targets.length != batch.batchSize()) {
            throw new IllegalArgumentException("targets has " + targets.length + " rows, the batch " + batch.batchSize());
        }
        int t = batch.length();
        int[] flat = new int[batch.batchSize() * t];
        for (int b = 0; b < targets.length; b++) {
            if (targets[b].length != t) {
                throw new IllegalArgumentException("targets[" + b + "] has length " + targets[b].length + ", the batch " + t);
            }
            System.arraycopy(targets[b], 0, flat, b * t, t);
        }
        Tensor lp = model.tokenLogProbs(tape, hidden, flat, temperature);
        return Reshape.apply(tape, lp, batch.batchSize(), t);
    }

    /** All logits [B, T, V] (materialised: for large vocabularies prefer {@link #tokenLogProbs}). */
    public Tensor logits() {
        int[] all = new int[batch.batchSize() * batch.length()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Tensor flat = model.logits(tape, hidden, all);
        return Reshape.apply(tape, flat, batch.batchSize(), batch.length(), model.vocabSize());
    }

    /** Logits [B, V] at position {@code positions[b]} of each sequence. */
    public Tensor logitsAt(int[] positions) {
        return model.logits(tape, hidden, rows(positions));
    }

    /** Per-token outputs [B, T] of a head (a PPO critic's values). */
    public Tensor tokenScores(ScalarHead head) {
        return Reshape.apply(tape, head.score(tape, hidden), batch.batchSize(), batch.length());
    }

    /** One output per sequence [B] of a head, at each sequence's last real token (a reward model). */
    public Tensor sequenceScores(ScalarHead head) {
        return sequenceScores(head, batch.lastRealIndex());
    }

    /** One output per sequence [B] of a head, at position {@code positions[b]} of sequence b. */
    public Tensor sequenceScores(ScalarHead head, int[] positions) {
        return head.score(tape, hidden, rows(positions));
    }

    /** Accumulates parameter gradients from d(loss)/d(output) for one output of this pass. */
    public void backward(Tensor output, INDArray grad) {
        tape.backward(output, grad);
    }

    /** Accumulates parameter gradients from several outputs of this pass at once. */
    public void backward(Map<Tensor, INDArray> grads) {
        tape.backward(grads);
    }

    @Override
    public void close() {
        tape.close();
    }

    private int[] rows(int[] positions) {
        if (positions.length != batch.batchSize()) {
            throw new IllegalArgumentException("need one position per sequence (" + batch.batchSize() + "), got "
                    + positions.length);
        }
        int[] rows = new int[positions.length];
        for (int b = 0; b < positions.length; b++) {
            if (positions[b] < 0 || positions[b] >= batch.length()) {
                throw new IllegalArgumentException("positions[" + b + "] = " + positions[b] + " outside [0, " + batch.length() + ")");
            }
            rows[b] = b * batch.length() + positions[b];
        }
        return rows;
    }
}
