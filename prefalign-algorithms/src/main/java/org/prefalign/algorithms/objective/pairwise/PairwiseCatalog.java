package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the pairwise objectives under their TRL names. */
public final class PairwiseCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
    }
}
