package org.prefalign.feedback.rule;

import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A linear length penalty beyond a free allowance: {@code r = −coef · max(0, L − threshold)},
 * L the completion's length. With {@code threshold = 0} every unit costs {@code coef}; it
 * counteracts the length bias of reward models and judges (Singhal et al. 2023, "A Long Way to
 * Go", arXiv:2310.03716).
 */
public final class LengthPenalty implements Rule {

    private final double coef;
    private final int threshold;
    private final ToIntFunction<String> length;

    /**
     * @param coef      penalty per unit beyond the threshold, &gt; 0
     * @param threshold free length, ≥ 0
     * @param length    how length is measured ({@link LengthUnit} or a tokenizer's count)
     */
    public LengthPenalty(double coef, int threshold, ToIntFunction<String> length) {
        if (!(coef > 0) || !Double.isFinite(coef)) {
            throw new IllegalArgumentException("length_penalty: 'coef' must be finite and > 0, got " + coef);
        }
        if (threshold < 0) {
            throw new IllegalArgumentException("length_penalty: 'threshold' must be >= 0, got " + threshold);
        }
        this.coef = coef;
        this.threshold = threshold;
        this.length = Objects.requireNonNull(length, "length");
    }

    @Override
    public double score(Completion completion) {
        int excess = length.applyAsInt(completion.text()) - threshold;
        return excess > 0 ? -coef * excess : 0; // 0, not −0, within the allowance
    }

    @Override
    public String toString() {
        return "length_penalty(coef=" + coef + ", threshold=" + threshold + ")";
    }
}
