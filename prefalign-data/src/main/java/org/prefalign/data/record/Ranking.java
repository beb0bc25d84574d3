package org.prefalign.data.record;

import static org.prefalign.data.record.Fields.required;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Several completions of one prompt, ordered by scores or by ranks: the listwise signal of LiPO,
 * PRO, ListMLE and RRHF, and of UltraFeedback-style datasets (several responses with ratings).
 *
 * <p>{@code values[i]} belongs to {@code completions[i]}. With {@link Scale#SCORE} a higher value
 * is better; with {@link Scale#RANK} values are ranks, 1 the best, and equal ranks are ties.
 * {@link #score(int)} reads both on one higher-is-better scale.
 *
 * @param prompt      the prompt
 * @param completions at least two completions, each the same kind as the prompt
 * @param values      one finite score, or one rank (an integer ≥ 1), per completion
 * @param scale       whether {@code values} are scores or ranks
 */
public record Ranking(Content prompt, List<Content> completions, List<Double> values, Scale scale)
        implements Example {

    /** What the values of a ranking mean. */
    public enum Scale {
        /** Higher is better (ratings, rewards). */
        SCORE,
        /** Ranks: 1 is the best, larger is worse. */
        RANK
    }

    public Ranking {
        required(prompt, "prompt");
        required(completions, "completions");
        required(values, "values");
        required(scale, "scale");
        if (completions.size() < 2) {
            throw new IllegalArgumentException("a ranking needs at least 2 completions, got " + completions.size());
        }
        if (values.size() != completions.size()) {
            throw new IllegalArgumentException("a ranking needs one " + scale.name().toLowerCase() + " per completion: "
                    + completions.size() + " completions, " + values.size() + " values");
        }
        for (int i = 0; i < completions.size(); i++) {
            Content.requireSameKind(prompt, "completions[" + i + "]", required(completions.get(i), "completions[" + i + "]"));
            double v = required(values.get(i), "values[" + i + "]");
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("values[" + i + "] must be finite, got " + v);
            }
            if (scale == Scale.RANK && (v < 1 || v != Math.rint(v))) {
                throw new IllegalArgumentException("values[" + i + "] is a rank and must be an integer >= 1, got " + v);
            }
        }
        completions = List.copyOf(completions);
        values = List.copyOf(values);
    }

    /** A ranking by scores, higher is better. */
    public static Ranking ofScores(Content prompt, List<Content> completions, List<Double> scores) {
        return new Ranking(prompt, completions, scores, Scale.SCORE);
    }

    /** A ranking by ranks, 1 is the best. */
    public static Ranking ofRanks(Content prompt, List<Content> completions, List<Integer> ranks) {
        return new Ranking(prompt, completions, ranks.stream().map(Integer::doubleValue).toList(), Scale.RANK);
    }

    /** Number of completions. */
    public int size() {
        return completions.size();
    }

    /** The value of completion {@code i} on a higher-is-better scale (a rank r reads as −r). */
    public double score(int i) {
        double v = values.get(i);
        return scale == Scale.SCORE ? v : -v;
    }

    /** Completion indices from best to worst; ties keep their file order. */
    public int[] order() {
        return IntStream.range(0, size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> score(i)).reversed())
                .mapToInt(Integer::intValue).toArray();
    }
}
