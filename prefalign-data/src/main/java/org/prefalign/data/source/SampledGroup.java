package org.prefalign.data.source;

import java.util.List;
import java.util.Objects;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.record.Content;

/**
 * A prompt and the n completions the policy sampled for it (a GRPO/RLOO group).
 *
 * @param prompt    the prompt
 * @param promptIds the ids the completions continue (after any prompt truncation)
 * @param samples   the completions, in sample order
 */
public record SampledGroup(Prompt prompt, int[] promptIds, List<Sample> samples) {

    public SampledGroup {
        Objects.requireNonNull(prompt, "prompt");
        promptIds = promptIds.clone();
        samples = List.copyOf(samples);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    /** The completions as content, to ask feedback about ({@code Query(prompt.content(), completions(), ...)}). */
    public List<Content> completions() {
        return samples.stream().map(Sample::completion).toList();
    }

    /**
     * Prompt + sampled tokens of each sample, exactly as sampled (never re-tokenized from text),
     * for {@link org.prefalign.data.batch.SequenceBatch#rightPadded} and a training-path forward.
     */
    public List<PromptCompletion> sequences() {
        return samples.stream().map(s -> new PromptCompletion(promptIds, s.tokens())).toList();
    }
}
