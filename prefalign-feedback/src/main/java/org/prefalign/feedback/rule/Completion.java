package org.prefalign.feedback.rule;

import java.util.Objects;

/**
 * What a {@link Rule} reads: one completion's words, with its prompt and the task's reference
 * answer. Chat content reaches rules as {@link org.prefalign.data.record.Content#asText()}.
 *
 * @param prompt    the prompt's text
 * @param text      the completion's text
 * @param reference the reference answer, or null when the task has none
 */
public record Completion(String prompt, String text, String reference) {

    public Completion {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(text, "completion text");
    }

    /** A completion without prompt or reference (for rules that read the text only). */
    public static Completion of(String text) {
        return new Completion("", text, null);
    }

    /** The reference answer, or an error naming the rule that needs one. */
    public String requireReference(String rule) {
        if (reference == null) {
            throw new IllegalArgumentException("rule '" + rule + "' needs a reference answer (Query.reference), got none");
        }
        return reference;
    }
}
