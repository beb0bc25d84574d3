package org.prefalign.data.record;

import static org.prefalign.data.record.Fields.required;

/**
 * A completion with a scalar reward (from a reward model, a verifier, or a rating): the
 * pointwise signal of PPO, GRPO and RLOO, and the raw material of scores → pairs conversions.
 *
 * @param prompt     the prompt
 * @param completion the completion, same kind as the prompt
 * @param reward     finite; higher is better
 */
public record ScoredCompletion(Content prompt, Content completion, double reward) implements Example {

    public ScoredCompletion {
        required(prompt, "prompt");
        required(completion, "completion");
        Content.requireSameKind(prompt, "completion", completion);
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
    }
}
