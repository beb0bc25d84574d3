package org.prefalign.feedback;

import java.util.function.Function;

/**
 * A family of feedback providers that registers its type names with {@link Feedbacks}.
 *
 * <p>Catalogs are found with {@link java.util.ServiceLoader}: another module (the reward-model
 * provider) or a user project adds providers by implementing this interface and listing the
 * class in {@code META-INF/services/org.prefalign.feedback.FeedbackCatalog}.
 */
public interface FeedbackCatalog {

    /** Adds this family's factories. */
    void register(Registry registry);

    /** Where catalogs put their factories. */
    interface Registry {
        /**
         * Registers {@code type}; the factory reads and validates its parameters from the config.
         * {@link Feedbacks} rejects parameters the factory did not read.
         */
        void add(String type, Function<FeedbackConfig, ? extends Feedback> factory);
    }
}
