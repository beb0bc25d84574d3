package org.prefalign.feedback.rule;

import java.util.List;

/**
 * The fraction of required words the completion contains: {@code |{w ∈ W : w occurs}| / |W|},
 * 1 when all occur. Matching options are those of {@link WordMatcher}.
 */
public final class RequiredWords implements Rule {

    private final WordMatcher matcher;

    /**
     * @param words         the required words, non-empty
     * @param caseSensitive whether case must match
     * @param wholeWord     whether a word must stand alone (not inside a longer word)
     */
    public RequiredWords(List<String> words, boolean caseSensitive, boolean wholeWord) {
        this.matcher = new WordMatcher("required_words", words, caseSensitive, wholeWord);
    }

    @Override
    public double score(Completion completion) {
        return (double) matcher.countPresent(completion.text()) / matcher.size();
    }

    @Override
    public String toString() {
        return "required_words" + matcher.words();
    }
}
