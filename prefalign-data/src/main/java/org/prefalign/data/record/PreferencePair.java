package org.prefalign.data.record;

import static org.prefalign.data.record.Fields.required;

import java.util.OptionalDouble;

/**
 * A pairwise preference: for {@code prompt}, {@code chosen} is preferred to {@code rejected}
 * (the input of DPO and its family, and of Bradley-Terry reward modelling).
 *
 * <p>{@code margin} is how strongly chosen is preferred, when known (TRL's reward trainer reads
 * it from a {@code margin} column and subtracts it inside the logistic loss; scores → pairs
 * conversions set it to the score difference). {@code tie} marks a pair whose two completions are
 * judged equally good (an inconsistent judge, equal scores kept as ties): which one is called
 * chosen then carries no information, and objectives that do not model ties should skip it.
 *
 * @param prompt   the prompt
 * @param chosen   the preferred completion, same kind as the prompt
 * @param rejected the other completion, same kind as the prompt
 * @param margin   finite and ≥ 0 when present; 0 when present on a tie
 * @param tie      true when neither completion is preferred
 */
public record PreferencePair(Content prompt, Content chosen, Content rejected, OptionalDouble margin, boolean tie)
        implements Example {

    public PreferencePair {
        required(prompt, "prompt");
        required(chosen, "chosen");
        required(rejected, "rejected");
        required(margin, "margin (use OptionalDouble.empty())");
        Content.requireSameKind(prompt, "chosen", chosen);
        Content.requireSameKind(prompt, "rejected", rejected);
        if (margin.isPresent()) {
            double m = margin.getAsDouble();
            if (!Double.isFinite(m) || m < 0) {
                throw new IllegalArgumentException("margin must be finite and >= 0 (chosen is the preferred one), got " + m);
            }
            if (tie && m != 0) {
                throw new IllegalArgumentException("a tie has margin 0, got " + m);
            }
        }
    }

    /** A strict preference without a margin. */
    public PreferencePair(Content prompt, Content chosen, Content rejected) {
        this(prompt, chosen, rejected, OptionalDouble.empty(), false);
    }

    /** A strict preference with a margin (finite, ≥ 0). */
    public static PreferencePair withMargin(Content prompt, Content chosen, Content rejected, double margin) {
        return new PreferencePair(prompt, chosen, rejected, OptionalDouble.of(margin), false);
    }

    /** A tie: neither completion is preferred. */
    public static PreferencePair tie(Content prompt, Content a, Content b) {
        return new PreferencePair(prompt, a, b, OptionalDouble.empty(), true);
    }
}
