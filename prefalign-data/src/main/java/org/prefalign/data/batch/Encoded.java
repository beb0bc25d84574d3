package org.prefalign.data.batch;

import java.util.List;
import java.util.Objects;
import org.prefalign.core.tokenizer.PromptCompletion;

/**
 * One example tokenized and truncated, before padding: its rows in the order its batch lays them
 * out (a pair: chosen, rejected; a ranking: its completions in order; otherwise one row).
 *
 * @param example the record
 * @param rows    one (prompt, completion) token sequence per completion, each with a non-empty
 *                prompt and completion
 * @param <T>     the record type
 */
public record Encoded<T>(T example, List<PromptCompletion> rows) {

    public Encoded {
        Objects.requireNonNull(example, "example");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("an encoded example needs at least one row");
        }
    }

    /** The longest row in tokens: what this example adds to a batch's padded length. */
    public int length() {
        int n = 0;
        for (PromptCompletion r : rows) {
            n = Math.max(n, r.completionStart() + r.completionIds().length);
        }
        return n;
    }
}
