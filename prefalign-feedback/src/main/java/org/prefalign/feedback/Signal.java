package org.prefalign.feedback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.prefalign.data.record.Example;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

/**
 * What a {@link Feedback} says about one {@link Query}: one of the four signal kinds of
 * DESIGN.md. A signal keeps its query, and {@link #examples()} turns it into prefalign-data's
 * records, the form the data module converts between kinds (scores → pairs, pairs → labels) and
 * algorithms train on:
 *
 * <table>
 * <caption>signal kinds and their data records</caption>
 * <tr><th>signal</th><th>meaning</th><th>records</th></tr>
 * <tr><td>{@link Rewards}</td><td>a scalar per completion, higher is better</td><td>one {@link ScoredCompletion} per completion</td></tr>
 * <tr><td>{@link Preference}</td><td>A, B or a tie between two completions</td><td>one {@link PreferencePair} (tie-flagged for a tie)</td></tr>
 * <tr><td>{@link Ranks}</td><td>a rank per completion, 1 the best, equal ranks tie</td><td>one {@link Ranking} by ranks</td></tr>
 * <tr><td>{@link Labels}</td><td>desirable or not, per completion</td><td>one {@link LabelledCompletion} per completion</td></tr>
 * </table>
 */
public sealed interface Signal permits Signal.Rewards, Signal.Preference, Signal.Ranks, Signal.Labels {

    /** The signal kinds, for providers to declare what they produce. */
    enum Kind { REWARDS, PREFERENCE, RANKS, LABELS }

    /** The query this signal answers. */
    Query query();

    /** This signal's kind. */
    Kind kind();

    /** The signal as prefalign-data records. */
    List<? extends Example> examples();

    /**
     * A scalar reward per completion.
     *
     * @param query  the query
     * @param values one finite reward per completion, in the query's order
     */
    record Rewards(Query query, double[] values) implements Signal {

        public Rewards {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(values, "reward values");
            if (values.length != query.size()) {
                throw new IllegalArgumentException("rewards: one value per completion needed, " + query.size()
                        + " completions, " + values.length + " values");
            }
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException("rewards: value " + i + " must be finite, got " + values[i]);
                }
            }
            values = values.clone();
        }

        /** The reward of completion {@code i}. */
        public double value(int i) {
            return values[i];
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public Kind kind() {
            return Kind.REWARDS;
        }

        @Override
        public List<ScoredCompletion> examples() {
            List<ScoredCompletion> out = new ArrayList<>(values.length);
            for (int i = 0; i < values.length; i++) {
                out.add(new ScoredCompletion(query.prompt(), query.completion(i), values[i]));
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rewards r && query.equals(r.query) && Arrays.equals(values, r.values);
        }

        @Override
        public int hashCode() {
            return 31 * query.hashCode() + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Rewards" + Arrays.toString(values);
        }
    }

    /**
     * A preference between the two completions of a query.
     *
     * @param query  a query with exactly two completions, A first
     * @param choice which one is better, or a tie
     */
    record Preference(Query query, Choice choice) implements Signal {

        public Preference {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(choice, "choice");
            query.requirePair("a preference");
        }

        @Override
        public Kind kind() {
            return Kind.PREFERENCE;
        }

        /** The pair: chosen is the winner; a tie keeps A as "chosen" and is flagged {@code tie}. */
        public PreferencePair pair() {
            return switch (choice) {
                case A -> new PreferencePair(query.prompt(), query.completion(0), query.completion(1));
                case B -> new PreferencePair(query.prompt(), query.completion(1), query.completion(0));
                case TIE -> PreferencePair.tie(query.prompt(), query.completion(0), query.completion(1));
            };
        }

        @Override
        public List<PreferencePair> examples() {
            return List.of(pair());
        }
    }

    /**
     * A ranking of the completions of a query.
     *
     * @param query the query, at least two completions
     * @param ranks one rank per completion: an integer ≥ 1, 1 the best, equal ranks are ties
     */
    record Ranks(Query query, int[] ranks) implements Signal {

        public Ranks {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(ranks, "ranks");
            if (query.size() < 2 || ranks.length != query.size()) {
                throw new IllegalArgumentException("ranks: one rank per completion of a query with at least 2 needed, "
                        + query.size() + " completions, " + ranks.length + " ranks");
            }
            for (int i = 0; i < ranks.length; i++) {
                if (ranks[i] < 1) {
                    throw new IllegalArgumentException("ranks: rank " + i + " must be >= 1, got " + ranks[i]);
                }
            }
            ranks = ranks.clone();
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        @Override
        public Kind kind() {
            return Kind.RANKS;
        }

        @Override
        public List<Ranking> examples() {
            return List.of(Ranking.ofRanks(query.prompt(), query.completions(), Arrays.stream(ranks).boxed().toList()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ranks r && query.equals(r.query) && Arrays.equals(ranks, r.ranks);
        }

        @Override
        public int hashCode() {
            return 31 * query.hashCode() + Arrays.hashCode(ranks);
        }

        @Override
        public String toString() {
            return "Ranks" + Arrays.toString(ranks);
        }
    }

    /**
     * A binary label per completion.
     *
     * @param query     the query
     * @param desirable one label per completion, true for a good one
     */
    record Labels(Query query, boolean[] desirable) implements Signal {

        public Labels {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(desirable, "labels");
            if (desirable.length != query.size()) {
                throw new IllegalArgumentException("labels: one label per completion needed, " + query.size()
                        + " completions, " + desirable.length + " labels");
            }
            desirable = desirable.clone();
        }

        @Override
        public boolean[] desirable() {
            return desirable.clone();
        }

        @Override
        public Kind kind() {
            return Kind.LABELS;
        }

        @Override
        public List<LabelledCompletion> examples() {
            List<LabelledCompletion> out = new ArrayList<>(desirable.length);
            for (int i = 0; i < desirable.length; i++) {
                out.add(new LabelledCompletion(query.prompt(), query.completion(i), desirable[i]));
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Labels l && query.equals(l.query) && Arrays.equals(desirable, l.desirable);
        }

        @Override
        public int hashCode() {
            return 31 * query.hashCode() + Arrays.hashCode(desirable);
        }

        @Override
        public String toString() {
            return "Labels" + Arrays.toString(desirable);
        }
    }
}
