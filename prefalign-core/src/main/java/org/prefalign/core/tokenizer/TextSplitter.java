package org.prefalign.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a string at the matches of a pattern and decides what happens to the matched parts: HF
 * tokenizers' {@code SplitDelimiterBehavior}, used by the {@code Split}, {@code Digits},
 * {@code Metaspace} and {@code ByteLevel} pre-tokenizers. Empty pieces are dropped.
 */
final class TextSplitter {

    enum Behavior {
        /** Matches are dropped. */
        REMOVED,
        /** Matches become pieces of their own. */
        ISOLATED,
        /** A match is appended to the piece before it. */
        MERGED_WITH_PREVIOUS,
        /** A match is prepended to the piece after it. */
        MERGED_WITH_NEXT,
        /** Runs of consecutive matches (and of non-matches) become one piece each. */
        CONTIGUOUS;

        static Behavior parse(String name, HfJson json, String path) {
            return switch (name) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> throw json.error(path, "'" + name
                        + "' is not a split behavior (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
            };
        }
    }

    private TextSplitter() {
    }

    /** Spans {@code {start, end}} of the non-overlapping matches of {@code p}, left to right. */
    static List<int[]> regexMatches(Pattern p, String s) {
        List<int[]> out = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) {
            if (m.end() > m.start()) {
                out.add(new int[]{m.start(), m.end()});
            }
        }
        return out;
    }

    /** Spans of the non-overlapping occurrences of {@code literal}. */
    static List<int[]> literalMatches(String literal, String s) {
        List<int[]> out = new ArrayList<>();
        if (literal.isEmpty()) {
            return out;
        }
        for (int at = s.indexOf(literal); at >= 0; at = s.indexOf(literal, at + literal.length())) {
            out.add(new int[]{at, at + literal.length()});
        }
        return out;
    }

    /** One span per code point satisfying {@code test}. */
    static List<int[]> codePointMatches(IntPredicate test, String s) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (test.test(cp)) {
                out.add(new int[]{i, next});
            }
            i = next;
        }
        return out;
    }

    /** Splits {@code s} at {@code matches} (sorted, non-overlapping) under {@code behavior}. */
    static List<String> split(String s, List<int[]> matches, Behavior behavior, boolean invert) {
        // the whole string as alternating (start, end, isMatch) spans
        List<int[]> spans = new ArrayList<>();
        int prev = 0;
        for (int[] m : matches) {
            if (m[0] > prev) {
                spans.add(new int[]{prev, m[0], invert ? 1 : 0});
            }
            spans.add(new int[]{m[0], m[1], invert ? 0 : 1});
            prev = m[1];
        }
        if (prev < s.length()) {
            spans.add(new int[]{prev, s.length(), invert ? 1 : 0});
        }
        List<int[]> pieces = new ArrayList<>();
        switch (behavior) {
            case ISOLATED -> pieces.addAll(spans);
            case REMOVED -> spans.stream().filter(sp -> sp[2] == 0).forEach(pieces::add);
            case CONTIGUOUS -> {
                int previous = -1;
                for (int[] sp : spans) {
                    if (sp[2] == previous && !pieces.isEmpty()) {
                        pieces.get(pieces.size() - 1)[1] = sp[1];
                    } else {
                        pieces.add(sp.clone());
                    }
                    previous = sp[2];
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] sp : spans) {
                    if (sp[2] == 1 && !previousMatch && !pieces.isEmpty()) {
                        pieces.get(pieces.size() - 1)[1] = sp[1];
                    } else {
                        pieces.add(sp.clone());
                    }
                    previousMatch = sp[2] == 1;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                List<int[]> reversed = new ArrayList<>();
                for (int i = spans.size() - 1; i >= 0; i--) {
                    int[] sp = spans.get(i);
                    if (sp[2] == 1 && !previousMatch && !reversed.isEmpty()) {
                        reversed.get(reversed.size() - 1)[0] = sp[0];
                    } else {
                        reversed.add(sp.clone());
                    }
                    previousMatch = sp[2] == 1;
                }
                for (int i = reversed.size() - 1; i >= 0; i--) {
                    pieces.add(reversed.get(i));
                }
            }
        }
        List<String> out = new ArrayList<>(pieces.size());
        for (int[] p : pieces) {
            if (p[1] > p[0]) {
                out.add(s.substring(p[0], p[1]));
            }
        }
        return out;
    }
}
