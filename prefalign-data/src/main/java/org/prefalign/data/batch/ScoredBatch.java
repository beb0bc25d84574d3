package org.prefalign.data.batch;

import java.util.List;
import org.prefalign.data.record.ScoredCompletion;

/**
 * Tokenized completions with scalar rewards: row i is example i.
 *
 * @param examples  the scored completions
 * @param sequences one row per example
 */
public record ScoredBatch(List<ScoredCompletion> examples, SequenceBatch sequences) {

    public ScoredBatch {
        examples = List.copyOf(examples);
        if (sequences.rows() != examples.size()) {
            throw new IllegalArgumentException(examples.size() + " scored completions need as many rows, got " + sequences.rows());
        }
    }

    /** The reward of each row. */
    public double[] rewards() {
        return examples.stream().mapToDouble(ScoredCompletion::reward).toArray();
    }
}
