package org.prefalign.feedback.human;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Choice;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * Human labels as feedback: for a query with two completions, the {@link MajorityVote} of the
 * annotators who compared exactly that prompt and those two answers (in either order). An item
 * without a majority is a tie; a pair nobody annotated is an error, not a guess.
 */
public final class HumanLabels implements Feedback {

    /** The config type name. */
    public static final String TYPE = "human_labels";

    private record Key(Content prompt, Content a, Content b) {
    }

    private final String source;
    private final Map<Key, Choice> verdicts = new HashMap<>();

    /**
     * @param annotations the labels
     * @param vote        how several annotators' choices become one
     */
    public HumanLabels(Annotations annotations, MajorityVote vote) {
        Objects.requireNonNull(vote, "vote");
        this.source = annotations.source();
        for (Annotations.Item item : annotations.items()) {
            Choice c = vote.winner(item.votes().values()).orElse(Choice.TIE);
            Key key = new Key(item.prompt(), item.a(), item.b());
            Choice previous = verdicts.putIfAbsent(key, c);
            if (previous != null && previous != c) {
                throw new IllegalArgumentException(source + ": items with the same prompt and answers disagree (id '"
                        + item.id() + "'); give them one id");
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Signal.Kind kind() {
        return Signal.Kind.PREFERENCE;
    }

    @Override
    public Signal.Preference evaluate(Query query) {
        query.requirePair(TYPE);
        Content a = query.completion(0);
        Content b = query.completion(1);
        Choice c = verdicts.get(new Key(query.prompt(), a, b));
        if (c == null) {
            Choice swapped = verdicts.get(new Key(query.prompt(), b, a));
            if (swapped == null) {
                throw new IllegalArgumentException(TYPE + ": no annotation in " + source
                        + " compares these two answers to this prompt");
            }
            c = swapped.swapped();
        }
        return new Signal.Preference(query, c);
    }

    @Override
    public String toString() {
        return TYPE + "(" + source + ")";
    }
}
