package org.prefalign.data.batch;

import java.util.List;
import org.prefalign.data.record.PreferencePair;

/**
 * Tokenized preference pairs: row i is pair i's prompt + chosen, row n + i the same prompt +
 * rejected (TRL's layout: chosen half, then rejected half), so one forward pass scores both.
 *
 * @param examples  the n pairs
 * @param sequences 2n rows
 */
public record PairBatch(List<PreferencePair> examples, SequenceBatch sequences) {

    public PairBatch {
        examples = List.copyOf(examples);
        if (sequences.rows() != 2 * examples.size()) {
            throw new IllegalArgumentException("a pair batch of " + examples.size() + " pairs needs " + 2 * examples.size()
                    + " rows, got " + sequences.rows());
        }
    }

    /** Number of pairs n. */
    public int size() {
        return examples.size();
    }

    /** The row of pair i's chosen completion. */
    public int chosenRow(int i) {
        return i;
    }

    /** The row of pair i's rejected completion. */
    public int rejectedRow(int i) {
        return size() + i;
    }
}
