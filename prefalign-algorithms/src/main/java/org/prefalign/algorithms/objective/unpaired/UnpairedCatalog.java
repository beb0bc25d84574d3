package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the unpaired objectives (KTO, APO-zero unpaired, BCO) under their TRL names. */
public final class UnpairedCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(Kto.TYPE, Kto::fromConfig);
        registry.add(ApoZeroUnpaired.TYPE, ApoZeroUnpaired::fromConfig);
        registry.add(Bco.TYPE, Bco::fromConfig);
    }
}
