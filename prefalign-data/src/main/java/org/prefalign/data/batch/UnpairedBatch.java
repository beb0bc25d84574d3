package org.prefalign.data.batch;

import java.util.List;
import org.prefalign.data.record.LabelledCompletion;

/**
 * Tokenized labelled completions (KTO, BCO, APO-zero): row i is example i. With KTO's KL term,
 * rows n + i are {@code mismatched.get(i)}: example i's prompt with another example's completion
 * (TRL's rotation, see {@link KtoBatch}), whose log-ratios estimate the reference point.
 *
 * @param examples   the n labelled completions
 * @param mismatched n mismatched pairs, or none for a batch without the KL term
 * @param sequences  n rows, or 2n with the mismatched pairs
 */
public record UnpairedBatch(List<LabelledCompletion> examples, List<KtoBatch.Mismatched> mismatched,
                            SequenceBatch sequences) {

    public UnpairedBatch {
        examples = List.copyOf(examples);
        mismatched = List.copyOf(mismatched);
        if (!mismatched.isEmpty() && mismatched.size() != examples.size()) {
            throw new IllegalArgumentException("an unpaired batch needs one mismatched pair per example or none: "
                    + examples.size() + " examples, " + mismatched.size() + " pairs");
        }
        int expected = examples.size() + mismatched.size();
        if (sequences.rows() != expected) {
            throw new IllegalArgumentException("an unpaired batch of " + examples.size() + " examples and " + mismatched.size()
                    + " mismatched pairs needs " + expected + " rows, got " + sequences.rows());
        }
    }

    /** Number of labelled completions n. */
    public int size() {
        return examples.size();
    }

    /** Whether the mismatched rows of KTO's KL term are present. */
    public boolean hasKl() {
        return !mismatched.isEmpty();
    }

    /** The label of each completion, in row order. */
    public boolean[] desirable() {
        boolean[] d = new boolean[size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = examples.get(i).desirable();
        }
        return d;
    }

    /** The row of mismatched pair i. */
    public int klRow(int i) {
        if (!hasKl()) {
            throw new IllegalStateException("this batch was built without KL pairs");
        }
        return size() + i;
    }
}
