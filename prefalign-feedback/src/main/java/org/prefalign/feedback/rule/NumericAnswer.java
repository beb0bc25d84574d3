package org.prefalign.feedback.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads numbers as math answers write them: {@code -3}, {@code 1,234.5} (thousands separators),
 * {@code 2.5e-3}, {@code 3/4}, {@code \frac{3}{4}} (also {@code \dfrac}, {@code \tfrac}), with
 * {@code $}, {@code \%}, {@code ^\circ} and LaTeX spacing ignored. No symbolic algebra:
 * {@code \sqrt{2}} or {@code 5^2} are not numbers here and are compared as canonical strings.
 */
final class NumericAnswer {

    // A minus only when it cannot be a binary minus: "3-4" reads as 3 and 4, " -4" as -4.
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.)\\]}])-?(?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?(?:/\\d+(?:\\.\\d+)?)?"
                    + "|(?<![\\w.)\\]}])-?\\.\\d+");
    private static final Pattern LATEX_FRAC = Pattern.compile(
            "\\\\[dt]?frac\\s*\\{\\s*(-?[\\d.,]+)\\s*\\}\\s*\\{\\s*(-?[\\d.,]+)\\s*\\}");
    private static final Pattern TEXT_MACRO = Pattern.compile("\\\\(?:text|textbf|mathrm|mbox)\\s*\\{([^{}]*)\\}");
    private static final Pattern IGNORED = Pattern.compile(
            "\\\\left|\\\\right|\\\\[!,;: ]|\\\\?\\$|\\\\?%|\\^\\s*\\{?\\\\circ\\}?");

    private NumericAnswer() {
    }

    /** The last number in {@code text}, as written there (fraction and commas kept). */
    static Optional<String> lastNumber(String text) {
        List<String> all = numbers(text);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The value of an answer that states exactly one number ({@code "18"}, {@code "$18.00"},
     * {@code "x = -3/4"}, {@code "18 dollars"}); empty for none or several ({@code "(2, 3)"}).
     */
    static OptionalDouble value(String answer) {
        List<String> all = numbers(answer);
        return all.size() == 1 ? parse(all.get(0)) : OptionalDouble.empty();
    }

    /** The answer with LaTeX decoration and spacing removed, for comparing non-numeric answers. */
    static String canonical(String answer) {
        String s = TEXT_MACRO.matcher(answer.replace('\u2212', '-')).replaceAll("$1");
        s = IGNORED.matcher(s).replaceAll("");
        s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replaceAll("\\s+", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static List<String> numbers(String text) {
        String s = LATEX_FRAC.matcher(canonicalSpacing(text)).replaceAll("$1/$2");
        Matcher m = NUMBER.matcher(s);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static String canonicalSpacing(String text) {
        return IGNORED.matcher(text.replace('\u2212', '-')).replaceAll("");
    }

    private static OptionalDouble parse(String number) {
        int slash = number.indexOf('/');
        if (slash < 0) {
            return OptionalDouble.of(Double.parseDouble(number.replace(",", "")));
        }
        double num = Double.parseDouble(number.substring(0, slash).replace(",", ""));
        double den = Double.parseDouble(number.substring(slash + 1).replace(",", ""));
        return den == 0 ? OptionalDouble.empty() : OptionalDouble.of(num / den);
    }
}
