package org.prefalign.core.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the Oniguruma patterns of HF {@code tokenizer.json} files ({@code Split} pre-tokenizers,
 * {@code Replace} normalizers) for {@link java.util.regex}.
 *
 * <p>The syntax of the patterns in use ({@code \p{L}}, {@code \p{N}}, {@code (?i:...)},
 * {@code (?!\S)}, possessive {@code ?+}) is shared; the semantics are not by default: Java's
 * {@code \s}, {@code \w}, {@code \d} are ASCII-only and {@code (?i)} folds ASCII only, whereas
 * Oniguruma's are Unicode-aware. {@link Pattern#UNICODE_CHARACTER_CLASS} (which implies
 * {@link Pattern#UNICODE_CASE}) aligns them: {@code \s} becomes Unicode White_Space, which is
 * Oniguruma's set (U+0009..U+000D, U+0085 and categories Zs, Zl, Zp). Oniguruma's {@code \h} is a
 * hex digit, Java's horizontal white space; it is rewritten to {@code [0-9a-fA-F]}.
 */
final class HfRegex {

    private HfRegex() {
    }

    static Pattern compile(String onigPattern, HfJson json, String path) {
        try {
            return Pattern.compile(translate(onigPattern), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw json.error(path, "is not a pattern Java can compile: " + e.getDescription() + " near index " + e.getIndex()
                    + " in " + onigPattern);
        }
    }

    /** Rewrites the Oniguruma escapes whose Java meaning differs. */
    static String translate(String p) {
        StringBuilder sb = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                char n = p.charAt(i + 1);
                if (n == 'h') {
                    sb.append("[0-9a-fA-F]");
                } else if (n == 'H') {
                    sb.append("[^0-9a-fA-F]");
                } else {
                    sb.append(c).append(n);
                }
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
