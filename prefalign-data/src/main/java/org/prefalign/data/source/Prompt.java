package org.prefalign.data.source;

import java.util.Objects;
import org.prefalign.data.record.Content;

/**
 * A prompt to sample completions for, with a stable id (its index in the prompt dataset, say):
 * the id, not the prompt's place in a batch, seeds its completions.
 *
 * @param id      identifies the prompt across batches and rounds
 * @param content the prompt, plain text or chat messages
 */
public record Prompt(long id, Content content) {

    public Prompt {
        Objects.requireNonNull(content, "prompt content must not be null");
    }
}
