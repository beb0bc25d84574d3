package org.prefalign.feedback.human;

import java.nio.file.Path;
import org.prefalign.feedback.FeedbackCatalog;

/**
 * Registers {@code human_labels}: {@code path} (required), the annotation file ({@link Annotations});
 * {@code strict} (false), whether the majority must exceed half of the votes ({@link MajorityVote}).
 */
public final class HumanCatalog implements FeedbackCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(HumanLabels.TYPE, c -> {
            Path path = Path.of(c.requiredString("path"));
            MajorityVote vote = new MajorityVote(c.bool("strict", false));
            return new HumanLabels(Annotations.read(path), vote);
        });
    }
}
