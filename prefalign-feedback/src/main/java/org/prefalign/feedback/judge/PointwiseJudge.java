package org.prefalign.feedback.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * An LLM judge that rates each completion on its own, 1 to 10 (MT-Bench single-answer grading,
 * Zheng et al. 2023, arXiv:2306.05685); the ratings are the rewards. Calls run concurrently and go
 * through the {@link VerdictCache}; a reply without a rating in [1, 10] ({@link Verdicts#rating})
 * is asked again as {@link RetryPolicy} says, then fails with an {@link UnparseableVerdictException}.
 */
public final class PointwiseJudge extends LlmJudge {

    /** The config type name. */
    public static final String TYPE = "judge_pointwise";

    /**
     * @param client   the API client
     * @param template a template with {@code {prompt}} and {@code {answer}} (and optionally
     *                 {@code {reference}}); {@link PromptTemplate#POINTWISE} by default
     * @param cache    where verdicts are kept; closed with this judge
     * @param threads  calls worked on at once, ≥ 1
     */
    public PointwiseJudge(ChatClient client, PromptTemplate template, VerdictCache cache, int threads) {
        super(TYPE, client, template, PromptTemplate.POINTWISE_FIELDS, PromptTemplate.POINTWISE_FIELDS.subList(0, 2), cache,
                threads);
    }

    @Override
    public Signal.Kind kind() {
        return Signal.Kind.REWARDS;
    }

    @Override
    public Signal.Rewards evaluate(Query query) {
        return (Signal.Rewards) evaluate(List.of(query)).get(0);
    }

    /** Ratings of every completion of every query, worked on concurrently. */
    @Override
    public List<Signal> evaluate(List<Query> queries) {
        List<CompletableFuture<Double>> ratings = new ArrayList<>();
        for (Query q : queries) {
            for (int i = 0; i < q.size(); i++) {
                ratings.add(verdict(q, Map.of("answer", q.completion(i)), Verdicts::rating, r -> Double.toString(r)));
            }
        }
        List<Double> all = JudgeCalls.awaitAll(ratings);
        List<Signal> out = new ArrayList<>(queries.size());
        int k = 0;
        for (Query q : queries) {
            double[] values = new double[q.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = all.get(k++);
            }
            out.add(new Signal.Rewards(q, values));
        }
        return out;
    }
}
