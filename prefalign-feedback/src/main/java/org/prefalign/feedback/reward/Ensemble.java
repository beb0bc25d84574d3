package org.prefalign.feedback.reward;

/**
 * How several reward models' scores of one completion become one reward. The minimum is the
 * conservative choice against reward over-optimisation (Coste et al. 2024, "Reward Model
 * Ensembles Help Mitigate Overoptimization", arXiv:2310.02743: worst-case optimisation); the
 * mean averages the members' errors.
 */
public enum Ensemble {
    /** r = (1/M) Σ_m r_m. */
    MEAN,
    /** r = min_m r_m. */
    MIN;

    /** The combined reward of one completion's member scores. */
    public double combine(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("an ensemble needs at least one score");
        }
        double acc = this == MEAN ? 0 : Double.POSITIVE_INFINITY;
        for (double s : scores) {
            acc = this == MEAN ? acc + s : Math.min(acc, s);
        }
        return this == MEAN ? acc / scores.length : acc;
    }
}
