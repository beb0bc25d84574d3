package org.prefalign.algorithms.objective.reward;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the reward-model objective, {@code bradley_terry}. */
public final class RewardCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(BradleyTerry.TYPE, BradleyTerry::fromConfig);
    }
}
