package org.prefalign.feedback.rule;

import java.util.Objects;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * A {@link Rule} as feedback: the rule's reward for each completion of a query, read as text
 * ({@link Content#asText()}), with the query's prompt and reference answer.
 */
public final class RuleFeedback implements Feedback {

    private final String type;
    private final Rule rule;

    /**
     * @param type the name the provider reports (the rule's config type)
     * @param rule the rule
     */
    public RuleFeedback(String type, Rule rule) {
        this.type = Objects.requireNonNull(type, "type");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Signal.Kind kind() {
        return Signal.Kind.REWARDS;
    }

    @Override
    public Signal.Rewards evaluate(Query query) {
        String prompt = query.prompt().asText();
        double[] rewards = new double[query.size()];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = rule.score(new Completion(prompt, query.completion(i).asText(), query.reference()));
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalStateException("rule " + rule + " gave a non-finite reward " + rewards[i]
                        + " for completion " + i);
            }
        }
        return new Signal.Rewards(query, rewards);
    }

    /** The rule. */
    public Rule rule() {
        return rule;
    }

    @Override
    public String toString() {
        return rule.toString();
    }
}
