package org.prefalign.feedback.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.prefalign.data.record.Message;

/**
 * A judge prompt: a system message and a user message with placeholders {@code {name}} (lower-case
 * letters and '_'), filled in one pass — an answer that itself contains {@code "{answer_b}"} is
 * inserted verbatim, never expanded. Any other brace is literal text.
 *
 * <p>Placeholders: {@code {prompt}} (the user's question; chat prompts as {@code role: content}
 * turns), {@code {answer_a}} and {@code {answer_b}} (pairwise), {@code {answer}} (pointwise) and
 * {@code {reference}} (a reference answer, optional in both).
 *
 * <p>The defaults follow the MT-Bench judge prompts (Zheng et al. 2023, "Judging LLM-as-a-Judge
 * with MT-Bench and Chatbot Arena", arXiv:2306.05685): the pairwise judge ends with {@code [[A]]},
 * {@code [[B]]} or {@code [[C]]} (tie); the pointwise judge with {@code Rating: [[n]]}, n in 1–10.
 */
public record PromptTemplate(String system, String user) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)\\}");

    /** Placeholders a pairwise template may use; the first three are required. */
    public static final List<String> PAIRWISE_FIELDS = List.of("prompt", "answer_a", "answer_b", "reference");
    /** Placeholders a pointwise template may use; the first two are required. */
    public static final List<String> POINTWISE_FIELDS = List.of("prompt", "answer", "reference");

    private static final String CRITERIA = "Consider helpfulness, relevance, accuracy, depth, creativity and level of detail.";

    /** The default pairwise template. */
    public static final PromptTemplate PAIRWISE = new PromptTemplate(
            "You are an impartial judge. Compare the responses of two AI assistants to the user question shown below "
                    + "and decide which assistant follows the user's instructions and answers the question better. "
                    + CRITERIA + " Begin with a short comparison of the two responses that explains your reasoning. "
                    + "The order in which the responses are shown, their length and the assistants' names must not "
                    + "influence your decision; be as objective as possible. After the explanation, give your final "
                    + "verdict strictly in this format: \"[[A]]\" if assistant A is better, \"[[B]]\" if assistant B "
                    + "is better, \"[[C]]\" for a tie.",
            "[User Question]\n{prompt}\n\n"
                    + "[The Start of Assistant A's Answer]\n{answer_a}\n[The End of Assistant A's Answer]\n\n"
                    + "[The Start of Assistant B's Answer]\n{answer_b}\n[The End of Assistant B's Answer]");

    /** The default pointwise template. */
    public static final PromptTemplate POINTWISE = new PromptTemplate(
            "You are an impartial judge. Evaluate the quality of the AI assistant's response to the user question "
                    + "shown below. " + CRITERIA + " Begin with a short explanation and be as objective as possible. "
                    + "After the explanation, rate the response on a scale of 1 to 10 strictly in this format: "
                    + "\"Rating: [[5]]\".",
            "[User Question]\n{prompt}\n\n[The Start of Assistant's Answer]\n{answer}\n[The End of Assistant's Answer]");

    public PromptTemplate {
        Objects.requireNonNull(system, "judge template 'system'");
        Objects.requireNonNull(user, "judge template 'user'");
    }

    /** The placeholders the template uses. */
    public Set<String> placeholders() {
        Set<String> out = new TreeSet<>();
        for (String text : List.of(system, user)) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /**
     * Checks the template uses only {@code allowed} placeholders and every one of {@code required}.
     *
     * @throws IllegalArgumentException naming the unknown or missing placeholder
     */
    public PromptTemplate validate(List<String> allowed, List<String> required) {
        Set<String> used = placeholders();
        for (String p : used) {
            if (!allowed.contains(p)) {
                throw new IllegalArgumentException("judge template: unknown placeholder {" + p + "}; allowed are "
                        + allowed.stream().map(a -> "{" + a + "}").toList());
            }
        }
        for (String r : required) {
            if (!used.contains(r)) {
                throw new IllegalArgumentException("judge template: placeholder {" + r + "} is required but not used");
            }
        }
        return this;
    }

    /** The system and user messages with placeholders filled from {@code values}. */
    public List<Message> render(Map<String, String> values) {
        List<Message> out = new ArrayList<>(2);
        if (!system.isEmpty()) {
            out.add(Message.system(fill(system, values)));
        }
        out.add(Message.user(fill(user, values)));
        return out;
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("judge template uses {" + m.group(1) + "} but no value was given for it");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
