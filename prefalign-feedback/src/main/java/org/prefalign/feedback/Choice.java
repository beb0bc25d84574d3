package org.prefalign.feedback;

/**
 * The outcome of comparing two completions, A (the first) and B (the second): the verdict of a
 * pairwise judge or of a human annotator.
 */
public enum Choice {
    /** The first completion is better. */
    A,
    /** The second completion is better. */
    B,
    /** Neither is better (or the evidence disagrees, as with a judge that flips with the order). */
    TIE;

    /** The same verdict with the two completions presented in the other order. */
    public Choice swapped() {
        return switch (this) {
            case A -> B;
            case B -> A;
            case TIE -> TIE;
        };
    }
}
