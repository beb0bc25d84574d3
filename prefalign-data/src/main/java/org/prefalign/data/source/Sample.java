package org.prefalign.data.source;

import java.util.Objects;
import org.prefalign.core.sampling.Completion.FinishReason;
import org.prefalign.data.record.Content;

/**
 * One completion the policy sampled.
 *
 * @param tokens          the sampled token ids (the stop token that ended it included)
 * @param text            the tokens decoded, special tokens (EOS) skipped
 * @param completion      {@code text} as content of the prompt's kind: plain text, or one
 *                        assistant message after a chat prompt
 * @param samplerLogProbs the log-probability of each token under the distribution it was drawn
 *                        from (after temperature, top-k, top-p, min-p). For diagnostics and
 *                        importance-sampling corrections only: PPO-style ratios use log-probs
 *                        recomputed by a training-path forward (DESIGN.md)
 * @param finishReason    a stop token ended it, or the length limit did
 * @param seed            the seed of its random stream
 */
public record Sample(int[] tokens, String text, Content completion, double[] samplerLogProbs, FinishReason finishReason,
                     long seed) {

    public Sample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(finishReason, "finishReason");
        if (tokens.length != samplerLogProbs.length) {
            throw new IllegalArgumentException("one sampler log-prob per token: " + tokens.length + " tokens, "
                    + samplerLogProbs.length + " log-probs");
        }
        tokens = tokens.clone();
        samplerLogProbs = samplerLogProbs.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public double[] samplerLogProbs() {
        return samplerLogProbs.clone();
    }

    /** Σ of the sampler's token log-probs. */
    public double samplerLogProb() {
        double s = 0;
        for (double v : samplerLogProbs) {
            s += v;
        }
        return s;
    }
}
