package org.prefalign.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens that are cut out of the text whole, before the subword model sees it: control tokens
 * ({@code <s>}, {@code <|im_start|>}) and user-defined added tokens. A special token is never
 * split into pieces.
 *
 * <p>Two matching orders exist in the wild and both are kept exact:
 * {@link Order#LONGEST_FIRST} is llama.cpp's {@code tokenizer_st_partition} (each token, longest
 * first, is cut out of every remaining text fragment); {@link Order#LEFTMOST_LONGEST} is HF
 * tokenizers' {@code AddedVocabulary} (an Aho-Corasick scan taking, from left to right, the
 * longest token starting at each position). They differ only when special tokens overlap.
 */
final class AddedTokens {

    /** One added token. {@code special} tokens are matched only when special tokens are parsed. */
    record Entry(String content, int id, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
        Entry {
            if (content.isEmpty()) {
                throw new IllegalArgumentException("added token " + id + " has empty content");
            }
        }
    }

    enum Order { LONGEST_FIRST, LEFTMOST_LONGEST }

    /** A stretch of the input: plain text for the subword model, or one matched token. */
    sealed interface Piece permits Text, Token {
    }

    record Text(String text) implements Piece {
    }

    record Token(int id) implements Piece {
    }

    private final List<Entry> byLength;
    private final Map<Character, List<Entry>> byFirstChar = new HashMap<>();
    private final Order order;

    AddedTokens(List<Entry> entries, Order order) {
        this.byLength = new ArrayList<>(entries);
        this.byLength.sort(Comparator.comparingInt((Entry e) -> -e.content().length()).thenComparingInt(Entry::id));
        for (Entry e : byLength) {
            byFirstChar.computeIfAbsent(e.content().charAt(0), c -> new ArrayList<>()).add(e);
        }
        this.order = order;
    }

    boolean isEmpty() {
        return byLength.isEmpty();
    }

    /** Splits {@code text} into plain-text pieces and matched tokens, in order; no piece is empty. */
    List<Piece> split(String text, boolean parseSpecial) {
        List<Piece> out = order == Order.LONGEST_FIRST ? longestFirst(text, parseSpecial) : leftmostLongest(text, parseSpecial);
        out.removeIf(p -> p instanceof Text t && t.text().isEmpty());
        return out;
    }

    private List<Piece> longestFirst(String text, boolean parseSpecial) {
        List<Piece> pieces = new ArrayList<>();
        pieces.add(new Text(text));
        for (Entry e : byLength) {
            if (e.special() && !parseSpecial) {
                continue;
            }
            List<Piece> next = new ArrayList<>(pieces.size());
            for (Piece p : pieces) {
                if (!(p instanceof Text t)) {
                    next.add(p);
                    continue;
                }
                String s = t.text();
                int from = 0;
                for (int at = s.indexOf(e.content()); at >= 0; at = s.indexOf(e.content(), from)) {
                    next.add(new Text(s.substring(from, at)));
                    next.add(new Token(e.id()));
                    from = at + e.content().length();
                }
                next.add(new Text(s.substring(from)));
            }
            pieces = next;
        }
        return pieces;
    }

    private List<Piece> leftmostLongest(String text, boolean parseSpecial) {
        List<Piece> pieces = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            Entry match = longestAt(text, i, parseSpecial);
            if (match == null || !singleWordOk(match, text, i)) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + match.content().length();
            if (match.lstrip()) {
                while (start > textStart && Character.isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (match.rstrip()) {
                while (stop < text.length() && Character.isWhitespace(text.charAt(stop))) {
                    stop++;
                }
            }
            pieces.add(new Text(text.substring(textStart, start)));
            pieces.add(new Token(match.id()));
            textStart = stop;
            i = stop;
        }
        pieces.add(new Text(text.substring(textStart)));
        return pieces;
    }

    private Entry longestAt(String text, int at, boolean parseSpecial) {
        for (Entry e : byFirstChar.getOrDefault(text.charAt(at), List.of())) {
            if ((!e.special() || parseSpecial) && text.startsWith(e.content(), at)) {
                return e;
            }
        }
        return null;
    }

    private static boolean singleWordOk(Entry e, String text, int at) {
        if (!e.singleWord()) {
            return true;
        }
        int stop = at + e.content().length();
        boolean spaceBefore = at == 0 || !isWordChar(text.codePointBefore(at));
        boolean spaceAfter = stop == text.length() || !isWordChar(text.codePointAt(stop));
        return spaceBefore && spaceAfter;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
