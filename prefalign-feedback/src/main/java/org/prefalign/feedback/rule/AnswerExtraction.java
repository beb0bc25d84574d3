package org.prefalign.feedback.rule;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a math completion states its final answer.
 *
 * <ul>
 * <li>{@link #GSM8K}: the text after the last {@code ####} up to the end of that line, the answer
 *     format of GSM8K (Cobbe et al. 2021, arXiv:2110.14168).</li>
 * <li>{@link #BOXED}: the argument of the last {@code \boxed{…}} (or {@code \fbox{…}}), braces
 *     matched so {@code \boxed{\frac{1}{2}}} gives {@code \frac{1}{2}}; the format of MATH
 *     (Hendrycks et al. 2021, arXiv:2103.03874). An unclosed box (a truncated completion) is no answer.</li>
 * <li>{@link #LAST_NUMBER}: the last number in the text ({@code -3}, {@code 1,234.5}, {@code 3/4},
 *     {@code \frac{3}{4}}).</li>
 * <li>{@link #AUTO}: the format the completion uses — GSM8K if it writes {@code ####}, else BOXED
 *     if it writes {@code \boxed}, else LAST_NUMBER. A completion that opens a box it never closes
 *     (cut off at the length limit) thus has no answer, rather than whatever number came last.</li>
 * </ul>
 */
public enum AnswerExtraction {
    GSM8K, BOXED, LAST_NUMBER, AUTO;

    private static final Pattern GSM8K_MARK = Pattern.compile("####[ \\t]*([^\\r\\n]*)");
    private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)\\b");

    /** The answer {@code text} states, if it states one in this format. */
    public Optional<String> extract(String text) {
        return switch (this) {
            case GSM8K -> afterLastMark(text);
            case BOXED -> lastBoxed(text);
            case LAST_NUMBER -> NumericAnswer.lastNumber(text);
            case AUTO -> text.contains("####") ? afterLastMark(text)
                    : BOX.matcher(text).find() ? lastBoxed(text)
                    : NumericAnswer.lastNumber(text);
        };
    }

    /** The config name, e.g. {@code "last_number"}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Optional<String> afterLastMark(String text) {
        Matcher m = GSM8K_MARK.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1).strip();
        }
        return last == null || last.isEmpty() ? Optional.empty() : Optional.of(last);
    }

    private static Optional<String> lastBoxed(String text) {
        Matcher m = BOX.matcher(text);
        int lastEnd = -1;
        while (m.find()) {
            lastEnd = m.end();
        }
        if (lastEnd < 0) {
            return Optional.empty();
        }
        int i = lastEnd;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '{') {
            int open = i;
            return closingBrace(text, open).map(close -> text.substring(open + 1, close).strip()).filter(s -> !s.isEmpty());
        }
        // "\boxed 5": the argument runs to the next space or dollar sign.
        int start = i;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '$') {
            i++;
        }
        return i > start ? Optional.of(text.substring(start, i)) : Optional.empty();
    }

    /** The index of the brace closing the one at {@code open}; escaped braces {@code \{ \}} do not count. */
    private static Optional<Integer> closingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
