package org.prefalign.data.batch;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;
import org.prefalign.core.tokenizer.PromptCompletion;

/**
 * How a tokenized (prompt, completion) sequence is cut to size before padding. Three limits,
 * applied in this order, each one off when it is {@link #UNLIMITED}:
 *
 * <ol>
 *   <li><b>maxPromptLength</b>: a longer prompt keeps its start ({@link PromptSide#KEEP_START})
 *       or its end ({@link PromptSide#KEEP_END}, the tokens next to the completion, as TRL's
 *       former {@code prompt_ids[-max_prompt_length:]}). Keeping the end still keeps a leading
 *       BOS first: a Llama model has never seen a sequence without it, so the prompt becomes BOS
 *       followed by its last {@code maxPromptLength − 1} tokens.</li>
 *   <li><b>maxCompletionLength</b>: a longer completion keeps its first tokens, losing its end
 *       and with it the EOS (TRL's {@code completion_ids[:max_completion_length]}).</li>
 *   <li><b>maxLength</b>: when prompt + completion is still longer, the completion keeps its
 *       first {@code maxLength − promptLength} tokens (TRL's {@code truncation_mode="keep_start"}
 *       on the whole sequence). A prompt that alone fills {@code maxLength} leaves no completion
 *       token: such an example is dropped, as TRL drops it, and counted.</li>
 * </ol>
 *
 * <p>The prompt is only ever cut by its own rule, so the rows of one example (chosen and
 * rejected, a ranking's completions) keep one identical prompt. Everything cut is counted in
 * {@link TruncationStats}.
 *
 * @param maxPromptLength     longest prompt in tokens, or {@link #UNLIMITED}
 * @param promptSide          which end of a too-long prompt is kept
 * @param maxCompletionLength longest completion in tokens, or {@link #UNLIMITED}
 * @param maxLength           longest prompt + completion in tokens, or {@link #UNLIMITED}
 */
public record Truncation(int maxPromptLength, PromptSide promptSide, int maxCompletionLength, int maxLength) {

    /** No limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Nothing is cut. */
    public static final Truncation NONE = new Truncation(UNLIMITED, PromptSide.KEEP_END, UNLIMITED, UNLIMITED);

    /** Which part of a too-long prompt is kept. */
    public enum PromptSide {
        /** The first tokens (the instruction's beginning). */
        KEEP_START,
        /** The last tokens, next to the completion; a leading BOS stays first. */
        KEEP_END
    }

    public Truncation {
        Objects.requireNonNull(promptSide, "promptSide");
        positive("maxPromptLength", maxPromptLength);
        positive("maxCompletionLength", maxCompletionLength);
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2 (a prompt token and a completion token), got " + maxLength);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1 (or UNLIMITED), got " + v);
        }
    }

    /** The same with prompts cut to {@code max} tokens, keeping {@code side}. */
    public Truncation withMaxPromptLength(int max, PromptSide side) {
        return new Truncation(max, side, maxCompletionLength, maxLength);
    }

    /** The same with completions cut to their first {@code max} tokens. */
    public Truncation withMaxCompletionLength(int max) {
        return new Truncation(maxPromptLength, promptSide, max, maxLength);
    }

    /** The same with whole sequences limited to {@code max} tokens. */
    public Truncation withMaxLength(int max) {
        return new Truncation(maxPromptLength, promptSide, maxCompletionLength, max);
    }

    /**
     * The prompt cut by rule 1.
     *
     * @param bos the tokenizer's BOS, kept first when keeping the end
     */
    public int[] prompt(int[] prompt, OptionalInt bos, TruncationStats stats) {
        if (prompt.length <= maxPromptLength) {
            return prompt;
        }
        int[] kept;
        if (promptSide == PromptSide.KEEP_START) {
            kept = Arrays.copyOf(prompt, maxPromptLength);
        } else if (bos.isPresent() && prompt[0] == bos.getAsInt()) {
            kept = new int[maxPromptLength];
            kept[0] = prompt[0];
            System.arraycopy(prompt, prompt.length - (maxPromptLength - 1), kept, 1, maxPromptLength - 1);
        } else {
            kept = Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length);
        }
        stats.promptCut(prompt.length - kept.length);
        return kept;
    }

    /**
     * A sequence cut by all three rules; its completion is empty when the (cut) prompt alone
     * fills {@code maxLength}.
     */
    public PromptCompletion apply(PromptCompletion sequence, OptionalInt bos, TruncationStats stats) {
        int[] prompt = prompt(sequence.promptIds(), bos, stats);
        int[] completion = sequence.completionIds();
        int keep = Math.min(completion.length, maxCompletionLength);
        keep = Math.max(0, Math.min(keep, maxLength - Math.min(prompt.length, maxLength)));
        if (keep < completion.length) {
            stats.completionCut(completion.length - keep);
            completion = Arrays.copyOf(completion, keep);
        }
        stats.sequence();
        return new PromptCompletion(prompt, completion);
    }
}
