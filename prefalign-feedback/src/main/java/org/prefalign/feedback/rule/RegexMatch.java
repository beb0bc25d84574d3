package org.prefalign.feedback.rule;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code 1} if the completion matches a regular expression, else {@code 0}: with {@code fullMatch}
 * the whole text must match, otherwise one occurrence anywhere suffices (Java regex syntax).
 */
public final class RegexMatch implements Rule {

    private final Pattern pattern;
    private final boolean fullMatch;

    /**
     * @param pattern   the expression; compile flags (e.g. {@link Pattern#DOTALL}) are the caller's
     * @param fullMatch whether the whole completion must match
     */
    public RegexMatch(Pattern pattern, boolean fullMatch) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.fullMatch = fullMatch;
    }

    @Override
    public double score(Completion completion) {
        var m = pattern.matcher(completion.text());
        return (fullMatch ? m.matches() : m.find()) ? 1 : 0;
    }

    @Override
    public String toString() {
        return "regex(" + pattern.pattern() + (fullMatch ? ", full match)" : ")");
    }
}
