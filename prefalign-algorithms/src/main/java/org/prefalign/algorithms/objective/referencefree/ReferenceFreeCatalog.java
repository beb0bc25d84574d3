package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the reference-free pairwise objectives (SimPO, CPO, ORPO) under their TRL names. */
public final class ReferenceFreeCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(SimPo.TYPE, SimPo::fromConfig);
        registry.add(Cpo.TYPE, Cpo::fromConfig);
        registry.add(Orpo.TYPE, Orpo::fromConfig);
    }
}
