package org.prefalign.feedback.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds words in a completion. With {@code wholeWord} a word matches only where it is not part of
 * a longer word: no letter, digit or underscore directly before or after it (so {@code "C++"}
 * and {@code "can't"} work, unlike with {@code \b}). Case-insensitive matching folds Unicode case.
 */
final class WordMatcher {

    private final List<String> words;
    private final List<Pattern> patterns = new ArrayList<>();

    WordMatcher(String rule, List<String> words, boolean caseSensitive, boolean wholeWord) {
        if (words == null || words.isEmpty()) {
            throw new IllegalArgumentException(rule + ": 'words' must be a non-empty list, got " + words);
        }
        int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w == null || w.isBlank()) {
                throw new IllegalArgumentException(rule + ": 'words[" + i + "]' must be a non-blank string, got " + w);
            }
            String quoted = Pattern.quote(w);
            patterns.add(Pattern.compile(wholeWord ? "(?<![\\p{L}\\p{N}_])" + quoted + "(?![\\p{L}\\p{N}_])" : quoted, flags));
        }
        this.words = List.copyOf(words);
    }

    /** How many of the words occur in {@code text}. */
    int countPresent(String text) {
        int n = 0;
        for (Pattern p : patterns) {
            if (p.matcher(text).find()) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return words.size();
    }

    List<String> words() {
        return words;
    }
}
