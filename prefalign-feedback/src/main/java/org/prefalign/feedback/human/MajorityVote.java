package org.prefalign.feedback.human;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.feedback.Choice;

/**
 * Aggregates several annotators' choices on an item into one preference by majority vote.
 *
 * <p>The winner is the choice (A, B or TIE) with more votes than each other choice — a plurality;
 * with {@code strict}, it must also have more than half of the item's votes. A winning A or B gives
 * a strict pair (the winner chosen); a winning TIE gives a tie-flagged pair
 * ({@link PreferencePair#tie}), which objectives that do not model ties skip. An item without a
 * winner — equal top counts such as one A and one B, or no strict majority — gives no pair and is
 * listed in {@link Result#noMajority()}, so every item is accounted for.
 */
public final class MajorityVote {

    /**
     * The aggregate.
     *
     * @param pairs      one pair per item with a winner, in item order (ties flagged)
     * @param preferred  items won by A or B
     * @param ties       items won by TIE
     * @param noMajority ids of items without a winner
     */
    public record Result(List<PreferencePair> pairs, int preferred, int ties, List<String> noMajority) {
        public Result {
            pairs = List.copyOf(pairs);
            noMajority = List.copyOf(noMajority);
        }
    }

    private final boolean strict;

    /** @param strict whether the winner needs more than half of the votes (not only the most) */
    public MajorityVote(boolean strict) {
        this.strict = strict;
    }

    /** The winning choice of {@code votes}, if there is one. */
    public Optional<Choice> winner(Iterable<Choice> votes) {
        Map<Choice, Integer> counts = new EnumMap<>(Choice.class);
        int total = 0;
        for (Choice c : votes) {
            counts.merge(c, 1, Integer::sum);
            total++;
        }
        Choice best = null;
        int top = 0;
        boolean unique = false;
        for (Map.Entry<Choice, Integer> e : counts.entrySet()) {
            if (e.getValue() > top) {
                best = e.getKey();
                top = e.getValue();
                unique = true;
            } else if (e.getValue() == top) {
                unique = false;
            }
        }
        if (!unique || (strict && 2 * top <= total)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /** One pair per item with a winner, and the count of every outcome. */
    public Result aggregate(Annotations annotations) {
        List<PreferencePair> pairs = new ArrayList<>();
        List<String> none = new ArrayList<>();
        int preferred = 0;
        int ties = 0;
        for (Annotations.Item item : annotations.items()) {
            Optional<Choice> w = winner(item.votes().values());
            if (w.isEmpty()) {
                none.add(item.id());
                continue;
            }
            switch (w.get()) {
                case A -> pairs.add(new PreferencePair(item.prompt(), item.a(), item.b()));
                case B -> pairs.add(new PreferencePair(item.prompt(), item.b(), item.a()));
                case TIE -> pairs.add(PreferencePair.tie(item.prompt(), item.a(), item.b()));
            }
            if (w.get() == Choice.TIE) {
                ties++;
            } else {
                preferred++;
            }
        }
        return new Result(pairs, preferred, ties, none);
    }

    @Override
    public String toString() {
        return strict ? "strict majority" : "plurality";
    }
}
