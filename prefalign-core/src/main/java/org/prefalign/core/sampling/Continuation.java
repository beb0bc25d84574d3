package org.prefalign.core.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One sequence being generated, whichever path computes its logits: its random stream, the
 * tokens drawn so far with their log-probs, and when and why it ends.
 */
final class Continuation {

    private final SamplingConfig config;
    private final int contextLength;
    private final SplittableRandom rng;
    private final int[] tokens;
    private final double[] logProbs;
    private int count;
    private int length;
    private Completion.FinishReason finish;

    Continuation(int promptLength, long seed, SamplingConfig config, int contextLength) {
        this.config = config;
        this.contextLength = contextLength;
        this.rng = new SplittableRandom(seed);
        int most = Math.min(config.maxNewTokens(), contextLength - promptLength);
        this.tokens = new int[most];
        this.logProbs = new double[most];
        this.length = promptLength;
    }

    /**
     * Draws the next token from the logits after the sequence so far (argmax when greedy), and
     * ends the sequence on a stop token, at maxNewTokens, or when it fills the context.
     */
    int draw(double[] logits) {
        if (finish != null) {
            throw new IllegalStateException("the sequence already ended (" + finish + ")");
        }
        int token;
        double logp;
        if (config.isGreedy()) {
            token = TokenDistribution.argmax(logits);
            logp = 0;
        } else {
            TokenDistribution d = TokenDistribution.of(logits, config);
            token = d.sample(rng);
            logp = Math.log(d.probability(token));
        }
        tokens[count] = token;
        logProbs[count] = logp;
        count++;
        length++;
        if (config.isStop(token)) {
            finish = Completion.FinishReason.STOP;
        } else if (count == config.maxNewTokens() || length >= contextLength) {
            finish = Completion.FinishReason.LENGTH;
        }
        return token;
    }

    boolean finished() {
        return finish != null;
    }

    /** The position of the last token drawn, where the next step feeds it. */
    int lastPosition() {
        return length - 1;
    }

    Completion completion() {
        return new Completion(Arrays.copyOf(tokens, count), Arrays.copyOf(logProbs, count), finish);
    }
}
