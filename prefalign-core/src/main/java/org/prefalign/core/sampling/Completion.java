package org.prefalign.core.sampling;

/**
 * One generated completion.
 *
 * @param tokens        the generated tokens (a stop token that ended it included)
 * @param logProbs      log-probability of each token under the distribution it was drawn from
 *                      (after temperature, top-k, top-p, min-p; 0 for greedy decoding). For
 *                      importance corrections and diagnostics; training recomputes log-probs.
 * @param finishReason  why it ended
 */
public record Completion(int[] tokens, double[] logProbs, FinishReason finishReason) {

    /** Why a completion ended. */
    public enum FinishReason {
        /** A stop token was generated. */
        STOP,
        /** maxNewTokens, or the model's context length, was reached. */
        LENGTH
    }

    public Completion {
        if (tokens.length != logProbs.length) {
            throw new IllegalArgumentException("one log-prob per token: " + tokens.length + " vs " + logProbs.length);
        }
        tokens = tokens.clone();
        logProbs = logProbs.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public double[] logProbs() {
        return logProbs.clone();
    }
}
