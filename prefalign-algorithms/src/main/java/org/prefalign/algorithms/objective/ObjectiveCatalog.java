package org.prefalign.algorithms.objective;

import java.util.function.Function;

/**
 * A family of objectives that registers its TRL names with {@link Objectives}.
 *
 * <p>Catalogs are found with {@link java.util.ServiceLoader}: a project can add its own objectives
 * by implementing this interface and listing the class in
 * {@code META-INF/services/org.prefalign.algorithms.objective.ObjectiveCatalog}.
 */
public interface ObjectiveCatalog {

    /** Adds this family's factories. */
    void register(Registry registry);

    /** Where catalogs put their factories. */
    interface Registry {
        /** Registers {@code type}; a factory reads its hyper-parameters from the config and validates them. */
        void add(String type, Function<ObjectiveConfig, ? extends Objective> factory);
    }
}
