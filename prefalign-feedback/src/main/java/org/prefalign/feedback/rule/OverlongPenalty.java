package org.prefalign.feedback.rule;

import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * DAPO's soft overlong punishment (Yu et al. 2025, "DAPO", arXiv:2503.14476, Eq. 13): with
 * L_max the maximum length and L_cache the length of the punishment interval,
 *
 * <pre>
 *            ⎧ 0                                  |y| ≤ L_max − L_cache
 * R(y) = f · ⎨ ((L_max − L_cache) − |y|) / L_cache   L_max − L_cache &lt; |y| ≤ L_max
 *            ⎩ −1                                 L_max &lt; |y|
 * </pre>
 *
 * a penalty that grows linearly over the last L_cache units before the maximum, added to the task
 * reward. {@code f} is verl's {@code overlong_buffer.penalty_factor} (1 in the paper). The paper
 * counts tokens; pass a tokenizer's count to measure the same.
 */
public final class OverlongPenalty implements Rule {

    private final int maxLength;
    private final int cacheLength;
    private final double penaltyFactor;
    private final ToIntFunction<String> length;

    /**
     * @param maxLength     L_max, ≥ 1
     * @param cacheLength   L_cache, in [1, L_max]
     * @param penaltyFactor f, &gt; 0
     * @param length        how |y| is measured ({@link LengthUnit} or a tokenizer's count)
     */
    public OverlongPenalty(int maxLength, int cacheLength, double penaltyFactor, ToIntFunction<String> length) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("overlong_penalty: 'max_length' must be >= 1, got " + maxLength);
        }
        if (cacheLength < 1 || cacheLength > maxLength) {
            throw new IllegalArgumentException("overlong_penalty: 'cache_length' must be in [1, max_length = " + maxLength
                    + "], got " + cacheLength);
        }
        if (!(penaltyFactor > 0) || !Double.isFinite(penaltyFactor)) {
            throw new IllegalArgumentException("overlong_penalty: 'penalty_factor' must be finite and > 0, got " + penaltyFactor);
        }
        this.maxLength = maxLength;
        this.cacheLength = cacheLength;
        this.penaltyFactor = penaltyFactor;
        this.length = Objects.requireNonNull(length, "length");
    }

    @Override
    public double score(Completion completion) {
        int y = length.applyAsInt(completion.text());
        int expected = maxLength - cacheLength;
        if (y <= expected) {
            return 0;
        }
        return y > maxLength ? -penaltyFactor : penaltyFactor * (expected - y) / cacheLength;
    }

    @Override
    public String toString() {
        return "overlong_penalty(max_length=" + maxLength + ", cache_length=" + cacheLength + ", penalty_factor="
                + penaltyFactor + ")";
    }
}
