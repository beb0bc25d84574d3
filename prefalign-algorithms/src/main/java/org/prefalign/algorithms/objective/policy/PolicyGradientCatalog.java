package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/** Registers the policy objectives under their TRL names. */
public final class PolicyGradientCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
    }
}
