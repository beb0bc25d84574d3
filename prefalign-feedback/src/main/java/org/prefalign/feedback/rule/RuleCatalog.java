package org.prefalign.feedback.rule;

import org.prefalign.feedback.FeedbackCatalog;

/** Registers every rule type of {@link Rules} as a reward-giving {@link RuleFeedback}. */
public final class RuleCatalog implements FeedbackCatalog {

    @Override
    public void register(Registry registry) {
        for (String type : Rules.types()) {
            registry.add(type, config -> new RuleFeedback(type, Rules.fromConfig(config)));
        }
    }
}
