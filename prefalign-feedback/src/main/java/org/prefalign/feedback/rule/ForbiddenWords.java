package org.prefalign.feedback.rule;

import java.util.List;

/**
 * The fraction of forbidden words the completion avoids: {@code |{w ∈ W : w does not occur}| / |W|},
 * 1 for a clean completion, 0 when every forbidden word occurs. Matching options are those of
 * {@link WordMatcher}.
 */
public final class ForbiddenWords implements Rule {

    private final WordMatcher matcher;

    /**
     * @param words         the forbidden words, non-empty
     * @param caseSensitive whether case must match
     * @param wholeWord     whether a word must stand alone (not inside a longer word)
     */
    public ForbiddenWords(List<String> words, boolean caseSensitive, boolean wholeWord) {
        this.matcher = new WordMatcher("forbidden_words", words, caseSensitive, wholeWord);
    }

    @Override
    public double score(Completion completion) {
        return (double) (matcher.size() - matcher.countPresent(completion.text())) / matcher.size();
    }

    @Override
    public String toString() {
        return "forbidden_words" + matcher.words();
    }
}
