package org.prefalign.core.tokenizer;

import java.util.Arrays;

/**
 * A prompt and its completion encoded separately, so that the boundary between them never
 * depends on how the tokenizer would have merged across the concatenation (TRL's DPO
 * {@code tokenize_row} does the same).
 *
 * @param promptIds     the prompt's ids, BOS first where the tokenizer adds one
 * @param completionIds the completion's ids, EOS last
 */
public record PromptCompletion(int[] promptIds, int[] completionIds) {

    public PromptCompletion {
        if (promptIds == null || completionIds == null) {
            throw new IllegalArgumentException("promptIds and completionIds must not be null");
        }
        promptIds = promptIds.clone();
        completionIds = completionIds.clone();
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] completionIds() {
        return completionIds.clone();
    }

    /** Index in {@link #ids()} of the first completion token (= the prompt length). */
    public int completionStart() {
        return promptIds.length;
    }

    /** Prompt then completion, the sequence the model scores. */
    public int[] ids() {
        int[] all = Arrays.copyOf(promptIds, promptIds.length + completionIds.length);
        System.arraycopy(completionIds, 0, all, promptIds.length, completionIds.length);
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptCompletion p && Arrays.equals(promptIds, p.promptIds)
                && Arrays.equals(completionIds, p.completionIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(promptIds) + Arrays.hashCode(completionIds);
    }

    @Override
    public String toString() {
        return "PromptCompletion[prompt=" + Arrays.toString(promptIds) + ", completion=" + Arrays.toString(completionIds) + "]";
    }
}
