package org.prefalign.data.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.LabelledCompletion;

/**
 * A KTO batch: its labelled completions plus the mismatched (prompt, completion) pairs whose
 * log-ratios estimate KTO's reference point z₀ = KL(π_θ(y|x) ‖ π_ref(y|x)) (Ethayarajh et al.
 * 2024, arXiv:2402.01306, §4.1). Without them the KL term is silently 0.
 *
 * <p>As TRL builds them (KTOTrainer, commit f2cd577), the completions are rotated by one within
 * the batch: example i's prompt is paired with example (i − 1 mod n)'s completion,
 * (x₁, yₙ), (x₂, y₁), …, (xₙ, yₙ₋₁). The mismatched completions are thus the batch's own
 * completions, each paired with another prompt. A batch of one would pair a prompt with its own
 * completion, so TRL (and this class) require at least two examples; batches must be formed in a
 * fixed order, as TRL requires sequential sampling for this.
 *
 * @param examples   the labelled completions, at least 2, all text or all chat
 * @param mismatched one pair per example, {@code mismatched.get(i)} built from example i's prompt
 */
public record KtoBatch(List<LabelledCompletion> examples, List<Mismatched> mismatched) {

    /**
     * One (prompt, completion) pair of the KL estimate.
     *
     * @param prompt          example {@code promptIndex}'s prompt
     * @param completion      example {@code completionIndex}'s completion
     * @param promptIndex     index in the batch of the example giving the prompt
     * @param completionIndex index in the batch of the example giving the completion
     */
    public record Mismatched(Content prompt, Content completion, int promptIndex, int completionIndex) {
    }

    public KtoBatch {
        examples = List.copyOf(Objects.requireNonNull(examples, "examples"));
        mismatched = List.copyOf(Objects.requireNonNull(mismatched, "mismatched"));
        if (mismatched.size() != examples.size()) {
            throw new IllegalArgumentException("a KTO batch needs one mismatched pair per example: "
                    + examples.size() + " examples, " + mismatched.size() + " pairs");
        }
    }

    /**
     * The batch of {@code examples} with TRL's rotated KL pairs.
     *
     * @throws IllegalArgumentException for fewer than 2 examples, or a batch mixing text and chat
     */
    public static KtoBatch of(List<LabelledCompletion> examples) {
        int n = examples.size();
        if (n < 2) {
            throw new IllegalArgumentException("a KTO batch needs at least 2 examples to estimate the KL term "
                    + "(with 1 it pairs a prompt with its own completion), got " + n);
        }
        boolean chat = examples.get(0).prompt().isChat();
        List<Mismatched> pairs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (examples.get(i).prompt().isChat() != chat) {
                throw new IllegalArgumentException("a KTO batch mixes plain text and chat examples: example 0 is "
                        + examples.get(0).prompt().kind() + ", example " + i + " is " + examples.get(i).prompt().kind());
            }
            int from = (i + n - 1) % n;
            pairs.add(new Mismatched(examples.get(i).prompt(), examples.get(from).completion(), i, from));
        }
        return new KtoBatch(examples, pairs);
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }
}
