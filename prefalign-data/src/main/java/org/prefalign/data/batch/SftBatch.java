package org.prefalign.data.batch;

import java.util.List;

/**
 * Tokenized SFT examples: row i is example i, its completion tokens the targets.
 *
 * @param examples  the examples
 * @param sequences one row per example
 */
public record SftBatch(List<SftExample> examples, SequenceBatch sequences) {

    public SftBatch {
        examples = List.copyOf(examples);
        if (sequences.rows() != examples.size()) {
            throw new IllegalArgumentException(examples.size() + " SFT examples need as many rows, got " + sequences.rows());
        }
    }
}
