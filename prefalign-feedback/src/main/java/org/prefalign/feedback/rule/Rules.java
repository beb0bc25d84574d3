package org.prefalign.feedback.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.prefalign.feedback.FeedbackConfig;

/**
 * Builds rules from JSON configs. Types and parameters (defaults in parentheses):
 *
 * <ul>
 * <li>{@code math_answer}: {@code extract} (auto | gsm8k | boxed | last_number; auto),
 *     {@code tolerance} (≥ 0; 1e-6), {@code relative_tolerance} (≥ 0; 0), {@code correct} (1),
 *     {@code incorrect} (0) — {@link MathAnswerMatch}</li>
 * <li>{@code regex}: {@code pattern} (required), {@code full_match} (false),
 *     {@code case_sensitive} (true), {@code dotall} (false) — {@link RegexMatch}</li>
 * <li>{@code required_words}, {@code forbidden_words}: {@code words} (required),
 *     {@code case_sensitive} (false), {@code whole_word} (true) — {@link RequiredWords}, {@link ForbiddenWords}</li>
 * <li>{@code tag_format}: {@code tags} (["think", "answer"]) — {@link TagFormat}</li>
 * <li>{@code length_penalty}: {@code coef} (&gt; 0; 0.001), {@code threshold} (an integer ≥ 0; 0),
 *     {@code unit} (characters | words; characters) — {@link LengthPenalty}</li>
 * <li>{@code overlong_penalty}: {@code max_length} (required, ≥ 1), {@code cache_length}
 *     (required, in [1, max_length]), {@code penalty_factor} (&gt; 0; 1), {@code unit} — {@link OverlongPenalty}</li>
 * <li>{@code json_valid}: {@code code_fence} (true), {@code require_object} (false) — {@link JsonValidity}</li>
 * <li>{@code weighted}: {@code rules}, a list of rule configs, each with a {@code weight}
 *     (finite; 1) — {@link WeightedSum}</li>
 * </ul>
 */
public final class Rules {

    private static final Map<String, Function<FeedbackConfig, Rule>> FACTORIES = new TreeMap<>(Map.of(
            "math_answer", Rules::mathAnswer,
            "regex", Rules::regex,
            "required_words", c -> new RequiredWords(c.strings("words", null), c.bool("case_sensitive", false),
                    c.bool("whole_word", true)),
            "forbidden_words", c -> new ForbiddenWords(c.strings("words", null), c.bool("case_sensitive", false),
                    c.bool("whole_word", true)),
            "tag_format", c -> new TagFormat(c.strings("tags", List.of("think", "answer"))),
            "length_penalty", c -> new LengthPenalty(c.positive("coef", 1e-3), c.integer("threshold", 0, 0, Integer.MAX_VALUE),
                    unit(c)),
            "overlong_penalty", Rules::overlong,
            "json_valid", c -> new JsonValidity(c.bool("code_fence", true), c.bool("require_object", false)),
            "weighted", Rules::weighted));

    private Rules() {
    }

    /** Every rule type name. */
    public static List<String> types() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * Builds the rule described by {@code json}, e.g. {@code {"type": "tag_format"}}, rejecting
     * unknown parameters.
     */
    public static Rule fromJson(String json) {
        FeedbackConfig config = FeedbackConfig.parse(json, "rule", System::getenv);
        Rule rule = fromConfig(config);
        config.requireAllRead();
        return rule;
    }

    /**
     * Builds the rule of {@code config}. The caller checks for unknown parameters
     * ({@link FeedbackConfig#requireAllRead()}) once everything it reads is read.
     */
    public static Rule fromConfig(FeedbackConfig config) {
        Function<FeedbackConfig, Rule> f = FACTORIES.get(config.type());
        if (f == null) {
            throw new IllegalArgumentException(config.kind() + ": unknown rule type '" + config.type()
                    + "'; rule types are " + FACTORIES.keySet());
        }
        try {
            return f.apply(config);
        } catch (IllegalArgumentException e) {
            // Constructors name the parameter; prefix where in a nested config it sits.
            if (e.getMessage() != null && e.getMessage().startsWith(config.kind())) {
                throw e;
            }
            throw new IllegalArgumentException(config.kind() + ": " + e.getMessage(), e);
        }
    }

    private static Rule mathAnswer(FeedbackConfig c) {
        String extract = c.choice("extract", "auto", "auto", "gsm8k", "boxed", "last_number");
        return new MathAnswerMatch(AnswerExtraction.valueOf(extract.toUpperCase(java.util.Locale.ROOT)),
                c.nonNegative("tolerance", 1e-6), c.nonNegative("relative_tolerance", 0),
                c.real("correct", 1), c.real("incorrect", 0));
    }

    private static Rule regex(FeedbackConfig c) {
        String pattern = c.requiredString("pattern");
        boolean fullMatch = c.bool("full_match", false);
        int flags = (c.bool("case_sensitive", true) ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                | (c.bool("dotall", false) ? Pattern.DOTALL : 0);
        try {
            return new RegexMatch(Pattern.compile(pattern, flags), fullMatch);
        } catch (PatternSyntaxException e) {
            throw c.error("pattern", "a valid Java regular expression (" + e.getDescription() + " at index "
                    + e.getIndex() + ")", "\"" + pattern + "\"");
        }
    }

    private static Rule overlong(FeedbackConfig c) {
        int max = c.requiredInteger("max_length", 1, Integer.MAX_VALUE);
        int cache = c.requiredInteger("cache_length", 1, max);
        return new OverlongPenalty(max, cache, c.positive("penalty_factor", 1), unit(c));
    }

    private static ToIntFunction<String> unit(FeedbackConfig c) {
        return LengthUnit.valueOf(c.choice("unit", "characters", "characters", "words").toUpperCase(java.util.Locale.ROOT));
    }

    private static Rule weighted(FeedbackConfig c) {
        List<WeightedSum.Term> terms = new ArrayList<>();
        for (FeedbackConfig child : c.children("rules", "rule")) {
            double weight = child.real("weight", 1);
            terms.add(new WeightedSum.Term(weight, fromConfig(child)));
            child.requireAllRead();
        }
        return new WeightedSum(terms);
    }
}
