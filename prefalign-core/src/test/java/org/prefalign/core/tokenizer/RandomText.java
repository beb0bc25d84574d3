package org.prefalign.core.tokenizer;

import java.util.Random;

/** Random text that stresses a tokenizer's byte handling, and a readable form of it for messages. */
final class RandomText {

    private RandomText() {
    }

    /** Characters that stress UTF-8: controls, Latin-1, combining marks, CJK, RTL, emoji (surrogate pairs), ZWJ. */
    static String codePoint(Random rnd) {
        int[][] ranges = {
                {0x00, 0x1F}, {0x20, 0x7E}, {0x7F, 0x7F}, {0xA0, 0xFF}, {0x300, 0x36F}, {0x370, 0x3FF},
                {0x600, 0x6FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0x200B, 0x200D}, {0x1F300, 0x1F6FF},
                {0x1F900, 0x1F9FF}, {0x10000, 0x1000F}, {0xFFFD, 0xFFFD}, {0x3000, 0x3000}};
        int[] r = ranges[rnd.nextInt(ranges.length)];
        return new String(Character.toChars(r[0] + rnd.nextInt(r[1] - r[0] + 1)));
    }

    /**
     * Fewer than 30 pieces, each a space (1 in 5), else {@code "hello"} (1 in 4) or a
     * {@link #codePoint}: text in which merges meet raw bytes.
     */
    static String withWords(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int len = rnd.nextInt(30);
        for (int i = 0; i < len; i++) {
            sb.append(rnd.nextInt(5) == 0 ? " " : rnd.nextInt(4) == 0 ? "hello" : codePoint(rnd));
        }
        return sb.toString();
    }

    /** {@code s} with every code point outside printable ASCII written as {@code \\u{X}}. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp) : String.format("\\u{%X}", cp)));
        return sb.toString();
    }
}
