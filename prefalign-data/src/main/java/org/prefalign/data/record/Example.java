package org.prefalign.data.record;

/**
 * One training example of any signal kind. The four kinds are the signals feedback produces
 * (DESIGN.md): a pairwise preference ({@link PreferencePair}), a ranking ({@link Ranking}), a
 * binary label ({@link LabelledCompletion}) and a scalar reward ({@link ScoredCompletion}).
 */
public sealed interface Example permits PreferencePair, Ranking, LabelledCompletion, ScoredCompletion {

    /** The prompt all of this example's completions answer. */
    Content prompt();
}
