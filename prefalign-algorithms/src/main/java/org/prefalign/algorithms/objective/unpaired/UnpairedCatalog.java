package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the unpaired objectives under their TRL names. */
public final class UnpairedCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
    }
}
