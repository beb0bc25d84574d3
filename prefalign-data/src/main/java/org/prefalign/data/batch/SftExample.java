package org.prefalign.data.batch;

import org.prefalign.data.record.Content;

/**
 * A supervised fine-tuning example: a completion to imitate after a prompt, with the loss on the
 * completion's tokens only (TRL's prompt-completion SFT format), or a plain text trained on in
 * full ({@link #text}).
 *
 * @param prompt     the prompt (an empty text for language modelling on the whole completion)
 * @param completion the completion, the same kind as the prompt
 */
public record SftExample(Content prompt, Content completion) {

    public SftExample {
        if (prompt == null || completion == null) {
            throw new IllegalArgumentException("an SFT example needs a prompt and a completion, got "
                    + (prompt == null ? "prompt=null" : "completion=null"));
        }
        Content.requireSameKind(prompt, "completion", completion);
    }

    /**
     * Language modelling on {@code text}: every token after BOS is a target (BOS is the prompt, so
     * the tokenizer must add one), then EOS.
     */
    public static SftExample text(String text) {
        return new SftExample(Content.text(""), Content.text(text));
    }
}
