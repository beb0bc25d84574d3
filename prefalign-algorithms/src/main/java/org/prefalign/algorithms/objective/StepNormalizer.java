package org.prefalign.algorithms.objective;

/**
 * The denominators of a whole optimizer step, so gradient accumulation is exact.
 *
 * <p>An objective divides its summed per-example (or per-token) losses by these counts instead of
 * by its own batch's. Splitting a batch into k micro-batches that all receive the step's
 * normaliser then gives losses and gradients that sum to exactly those of the undivided batch —
 * also for token-mean losses and ORPO's batch-level NLL, where a per-micro-batch mean would not.
 *
 * @param sequences the number of examples (pairs, completions, lists) in the optimizer step
 * @param tokens    the number of loss-bearing tokens in the step (completion tokens; for pairwise
 *                  objectives, the chosen completions' tokens, as ORPO's NLL uses them)
 */
public record StepNormalizer(double sequences, double tokens) {

    public StepNormalizer {
        if (!(sequences > 0) || !Double.isFinite(sequences)) {
            throw new IllegalArgumentException("StepNormalizer.sequences must be a finite count > 0, got " + sequences);
        }
        if (!(tokens > 0) || !Double.isFinite(tokens)) {
            throw new IllegalArgumentException("StepNormalizer.tokens must be a finite count > 0, got " + tokens);
        }
    }

}
