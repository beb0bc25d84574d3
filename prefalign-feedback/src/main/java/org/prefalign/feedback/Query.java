package org.prefalign.feedback;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.prefalign.data.record.Content;

/**
 * What feedback is asked about: one prompt and the completions to judge, all of the same kind
 * (plain text or chat), plus the ground-truth answer when the task has one.
 *
 * @param prompt      the prompt
 * @param completions at least one completion; a pairwise provider needs exactly two
 * @param reference   the reference answer a verifier checks against (GSM8K's {@code answer},
 *                    a math dataset's {@code solution}); null when the task has none
 */
public record Query(Content prompt, List<Content> completions, String reference) {

    public Query {
        Objects.requireNonNull(prompt, "query prompt must not be null");
        Objects.requireNonNull(completions, "query completions must not be null");
        if (completions.isEmpty()) {
            throw new IllegalArgumentException("a query needs at least one completion, got none");
        }
        for (int i = 0; i < completions.size(); i++) {
            Content c = Objects.requireNonNull(completions.get(i), "completions[" + i + "] must not be null");
            Content.requireSameKind(prompt, "completions[" + i + "]", c);
        }
        completions = List.copyOf(completions);
    }

    /** A query without a reference answer. */
    public static Query of(Content prompt, Content... completions) {
        return new Query(prompt, List.of(completions), null);
    }

    /** A plain-text query with a reference answer (null for none). */
    public static Query ofText(String prompt, String reference, String... completions) {
        return new Query(Content.text(prompt), Arrays.stream(completions).<Content>map(Content::text).toList(), reference);
    }

    /** Number of completions. */
    public int size() {
        return completions.size();
    }

    /** Completion {@code i}. */
    public Content completion(int i) {
        return completions.get(i);
    }

    /** Throws unless the query has exactly two completions, as a pairwise {@code provider} needs. */
    public void requirePair(String provider) {
        if (size() != 2) {
            throw new IllegalArgumentException(provider + " compares exactly 2 completions per query, got " + size());
        }
    }
}
