package org.prefalign.feedback;

import java.util.ArrayList;
import java.util.List;

/**
 * Who says what is better (DESIGN.md, the third part): a provider takes a prompt with its
 * completions ({@link Query}) and returns a {@link Signal} — scalar rewards, a pairwise
 * preference, a ranking or binary labels.
 *
 * <p>Providers are built from JSON by name with {@link Feedbacks#fromJson(String)}. A provider
 * may hold resources (an HTTP client, a cache file); {@link #close()} releases them.
 */
public interface Feedback extends AutoCloseable {

    /** The registry name of this provider, e.g. {@code "math_answer"} or {@code "judge_pairwise"}. */
    String type();

    /** The kind of signal {@link #evaluate(Query)} returns. */
    Signal.Kind kind();

    /**
     * The signal for one query.
     *
     * @throws IllegalArgumentException if the query does not fit this provider (e.g. a pairwise
     *                                  provider given three completions, a verifier without a reference)
     */
    Signal evaluate(Query query);

    /**
     * The signals for several queries, in order. Providers that call out (a judge) override this to
     * work on queries concurrently; the result is the same as evaluating them one by one.
     */
    default List<Signal> evaluate(List<Query> queries) {
        List<Signal> out = new ArrayList<>(queries.size());
        for (Query q : queries) {
            out.add(evaluate(q));
        }
        return out;
    }

    /** Releases held resources; a no-op for pure functions. */
    @Override
    default void close() {
    }
}
