package org.prefalign.feedback.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * Feedback from one reward model, or an ensemble of them: each completion's reward is its score
 * ({@link RewardModel}), or the members' scores combined by {@link Ensemble}. A signal of kind
 * {@link Signal.Kind#REWARDS}; several queries are scored together, {@code batchSize} sequences
 * per forward pass, with the same results as one by one (up to float rounding).
 */
public final class RewardModelFeedback implements Feedback {

    /** The registry name. */
    public static final String TYPE = "reward_model";

    private final List<RewardModel> members;
    private final Ensemble ensemble;
    private final int batchSize;

    /**
     * @throws IllegalArgumentException for no members or {@code batchSize} &lt; 1
     */
    public RewardModelFeedback(List<RewardModel> members, Ensemble ensemble, int batchSize) {
        this.members = List.copyOf(members);
        this.ensemble = Objects.requireNonNull(ensemble, "ensemble");
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("reward-model feedback needs at least one reward model");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public List<RewardModel> members() {
        return members;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Signal.Kind kind() {
        return Signal.Kind.REWARDS;
    }

    @Override
    public Signal evaluate(Query query) {
        return evaluate(List.of(query)).get(0);
    }

    @Override
    public List<Signal> evaluate(List<Query> queries) {
        int rows = queries.stream().mapToInt(Query::size).sum();
        double[][] byMember = new double[members.size()][];
        for (int m = 0; m < members.size(); m++) {
            RewardModel model = members.get(m);
            List<PromptCompletion> sequences = new ArrayList<>(rows);
            for (Query q : queries) {
                for (Content c : q.completions()) {
                    sequences.add(model.encode(q.prompt(), c));
                }
            }
            byMember[m] = model.score(sequences, batchSize);
        }
        List<Signal> out = new ArrayList<>(queries.size());
        int row = 0;
        for (Query q : queries) {
            double[] values = new double[q.size()];
            for (int i = 0; i < values.length; i++, row++) {
                double[] scores = new double[members.size()];
                for (int m = 0; m < scores.length; m++) {
                    scores[m] = byMember[m][row];
                }
                values[i] = ensemble.combine(scores);
            }
            out.add(new Signal.Rewards(q, values));
        }
        return out;
    }
}
