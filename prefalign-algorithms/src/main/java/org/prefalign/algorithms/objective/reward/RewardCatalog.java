package org.prefalign.algorithms.objective.reward;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the reward objectives under their TRL names. */
public final class RewardCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
    }
}
