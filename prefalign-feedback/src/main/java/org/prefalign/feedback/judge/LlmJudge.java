package org.prefalign.feedback.judge;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Query;

/**
 * What the LLM judges share: a {@link PromptTemplate} checked for the judge's fields, verdicts
 * fetched through {@link JudgeCalls} (concurrent, cached, retried), call statistics, and a
 * {@link #close()} that stops the workers and closes the cache. The judges differ in what they ask
 * and how they read the answer.
 */
public abstract sealed class LlmJudge implements Feedback permits PairwiseJudge, PointwiseJudge {

    private final String type;
    private final JudgeCalls calls;

    /**
     * @param type     the config type name
     * @param fields   the placeholders the template may use
     * @param required those it must use
     */
    LlmJudge(String type, ChatClient client, PromptTemplate template, List<String> fields, List<String> required,
            VerdictCache cache, int threads) {
        template.validate(fields, required);
        this.type = type;
        this.calls = new JudgeCalls(client, template, cache, threads);
    }

    /** The verdict on {@code answers} (by placeholder) to {@code query}'s prompt; see {@link JudgeCalls#verdict}. */
    <T> CompletableFuture<T> verdict(Query query, Map<String, Content> answers, ChatClient.VerdictParser<T> parser,
            Function<T, String> show) {
        return calls.verdict(calls.inputs(type, query, answers), parser, show);
    }

    @Override
    public String type() {
        return type;
    }

    /** Counts of requests, retries, cache hits and fetched verdicts so far. */
    public JudgeStats stats() {
        return calls.stats();
    }

    /** Stops the worker threads and closes the cache. */
    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return type;
    }
}
