package org.prefalign.feedback.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Choice;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * An LLM judge of pairs (LLM-as-a-judge, Zheng et al. 2023, arXiv:2306.05685), asked twice per
 * pair to cancel position bias: once with the completions as (A, B) and once as (B, A). The
 * verdict is the one both orders agree on; verdicts that disagree — a judge that prefers whichever
 * answer comes first, or one order calling a tie — are a tie, as MT-Bench counts them.
 *
 * <p>Calls run concurrently on {@code threads} threads and go through the {@link VerdictCache}.
 * A reply without a verdict ({@link Verdicts#pairwise}) is asked again as {@link RetryPolicy} says,
 * then fails the query with an {@link UnparseableVerdictException}: an unreadable judge is an error,
 * not a tie, so it can be fixed (a template, a model) rather than silently diluting the data.
 */
public final class PairwiseJudge extends LlmJudge {

    /** The config type name. */
    public static final String TYPE = "judge_pairwise";

    /**
     * Both verdicts for one pair, expressed for the query's order (A = first completion).
     *
     * @param forward  the verdict with the completions shown as (A, B)
     * @param backward the verdict with them shown as (B, A), mapped back to the query's order
     * @param verdict  {@code forward} if both agree, else {@link Choice#TIE}
     */
    public record Comparison(Choice forward, Choice backward, Choice verdict) {
        /** Whether the two orders agreed. */
        public boolean consistent() {
            return forward == backward;
        }
    }

    /**
     * @param client   the API client
     * @param template a template with {@code {prompt}}, {@code {answer_a}}, {@code {answer_b}}
     *                 (and optionally {@code {reference}}); {@link PromptTemplate#PAIRWISE} by default
     * @param cache    where verdicts are kept; closed with this judge
     * @param threads  calls worked on at once, ≥ 1 (the client's concurrency bounds requests in flight)
     */
    public PairwiseJudge(ChatClient client, PromptTemplate template, VerdictCache cache, int threads) {
        super(TYPE, client, template, PromptTemplate.PAIRWISE_FIELDS, PromptTemplate.PAIRWISE_FIELDS.subList(0, 3), cache,
                threads);
    }

    @Override
    public Signal.Kind kind() {
        return Signal.Kind.PREFERENCE;
    }

    @Override
    public Signal.Preference evaluate(Query query) {
        return (Signal.Preference) evaluate(List.of(query)).get(0);
    }

    @Override
    public List<Signal> evaluate(List<Query> queries) {
        List<Comparison> comparisons = compare(queries);
        List<Signal> out = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            out.add(new Signal.Preference(queries.get(i), comparisons.get(i).verdict()));
        }
        return out;
    }

    /**
     * Both-order verdicts for each query (each with exactly two completions), worked on concurrently.
     *
     * @throws JudgeException after all calls finished, if any failed
     */
    public List<Comparison> compare(List<Query> queries) {
        List<CompletableFuture<Comparison>> futures = new ArrayList<>(queries.size());
        for (Query q : queries) {
            q.requirePair(TYPE);
        }
        for (Query q : queries) {
            CompletableFuture<Choice> forward = verdict(q, answers(q, 0, 1), Verdicts::pairwise, Choice::name);
            CompletableFuture<Choice> backward = verdict(q, answers(q, 1, 0), Verdicts::pairwise, Choice::name);
            futures.add(forward.thenCombine(backward, (f, b) -> {
                Choice back = b.swapped();
                return new Comparison(f, back, f == back ? f : Choice.TIE);
            }));
        }
        return JudgeCalls.awaitAll(futures);
    }

    private static Map<String, Content> answers(Query q, int a, int b) {
        return Map.of("answer_a", q.completion(a), "answer_b", q.completion(b));
    }
}
