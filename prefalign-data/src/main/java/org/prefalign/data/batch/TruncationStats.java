package org.prefalign.data.batch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link Truncation} cut, so that nothing disappears without a count. Sequences are rows
 * (a pair has two, each with its copy of the prompt, so a cut prompt counts in both); examples are
 * records. Safe to update from several threads.
 */
public final class TruncationStats {

    private final AtomicLong sequences = new AtomicLong();
    private final AtomicLong promptsCut = new AtomicLong();
    private final AtomicLong promptTokensDropped = new AtomicLong();
    private final AtomicLong completionsCut = new AtomicLong();
    private final AtomicLong completionTokensDropped = new AtomicLong();
    private final AtomicLong examples = new AtomicLong();
    private final AtomicLong examplesDropped = new AtomicLong();

    void sequence() {
        sequences.incrementAndGet();
    }

    void promptCut(int tokens) {
        promptsCut.incrementAndGet();
        promptTokensDropped.addAndGet(tokens);
    }

    void completionCut(int tokens) {
        completionsCut.incrementAndGet();
        completionTokensDropped.addAndGet(tokens);
    }

    void example(boolean dropped) {
        examples.incrementAndGet();
        if (dropped) {
            examplesDropped.incrementAndGet();
        }
    }

    /** Sequences (rows) truncation looked at. */
    public long sequences() {
        return sequences.get();
    }

    /** Sequences whose prompt was longer than {@code maxPromptLength}. */
    public long promptsCut() {
        return promptsCut.get();
    }

    /** Prompt tokens removed, summed over sequences. */
    public long promptTokensDropped() {
        return promptTokensDropped.get();
    }

    /** Sequences whose completion lost its end (and EOS) to {@code maxCompletionLength} or {@code maxLength}. */
    public long completionsCut() {
        return completionsCut.get();
    }

    /** Completion tokens removed, summed over sequences (a dropped example's included). */
    public long completionTokensDropped() {
        return completionTokensDropped.get();
    }

    /** Examples (records) encoded. */
    public long examples() {
        return examples.get();
    }

    /** Examples left out because a prompt alone filled {@code maxLength}. */
    public long examplesDropped() {
        return examplesDropped.get();
    }

    @Override
    public String toString() {
        return "truncation: " + examplesDropped() + " of " + examples() + " examples dropped (prompt fills max length); "
                + promptsCut() + " of " + sequences() + " sequences lost " + promptTokensDropped() + " prompt tokens; "
                + completionsCut() + " lost " + completionTokensDropped() + " completion tokens";
    }
}
