package org.prefalign.algorithms.objective.listwise;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the listwise objectives under their TRL names. */
public final class ListwiseCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
    }
}
