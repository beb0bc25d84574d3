package org.prefalign.feedback.rule;

import java.util.function.ToIntFunction;

/**
 * How the length rules measure a completion when no tokenizer is at hand. Papers count tokens;
 * pass a tokenizer's count as a {@code ToIntFunction<String>} to the rules' constructors to do the same.
 */
public enum LengthUnit implements ToIntFunction<String> {

    /** Unicode code points. */
    CHARACTERS {
        @Override
        public int applyAsInt(String text) {
            return text.codePointCount(0, text.length());
        }
    },

    /** Maximal runs of non-whitespace characters. */
    WORDS {
        @Override
        public int applyAsInt(String text) {
            String t = text.strip();
            return t.isEmpty() ? 0 : t.split("\\s+").length;
        }
    };

    /** The config name: {@code "characters"} or {@code "words"}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
