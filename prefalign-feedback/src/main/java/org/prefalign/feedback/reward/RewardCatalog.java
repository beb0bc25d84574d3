package org.prefalign.feedback.reward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prefalign.data.batch.ContentTokenizer;
import org.prefalign.feedback.FeedbackCatalog;
import org.prefalign.feedback.FeedbackConfig;

/**
 * Registers {@code reward_model} ({@link RewardModelFeedback}):
 * <ul>
 *   <li>{@code path}: a checkpoint directory ({@link RewardCheckpoint}), or {@code paths}: a list
 *       of them for an ensemble; exactly one of the two;</li>
 *   <li>{@code ensemble} ({@code "mean"}): {@code "mean"} or {@code "min"} of the members' scores;</li>
 *   <li>{@code tokenizer} (the checkpoint directory): a {@code .gguf} file, a {@code tokenizer.json}
 *       or a directory holding one ({@link ContentTokenizer#load}); its chat template, else ChatML,
 *       renders chat content;</li>
 *   <li>{@code batch_size} (8): sequences per forward pass, 1 to 4096;</li>
 *   <li>{@code max_length} (the model's context length): longest sequence scored.</li>
 * </ul>
 * <pre>{@code {"type": "reward_model", "paths": ["rm-a", "rm-b"], "ensemble": "min", "batch_size": 16}}</pre>
 */
public final class RewardCatalog implements FeedbackCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(RewardModelFeedback.TYPE, RewardCatalog::create);
    }

    private static RewardModelFeedback create(FeedbackConfig c) {
        List<String> paths;
        if (c.has("path") == c.has("paths")) {
            throw c.error("path", "given, or else 'paths' (a list of checkpoint directories), but not both",
                    c.has("path") ? "both" : "neither");
        }
        paths = c.has("path") ? List.of(c.requiredString("path")) : c.strings("paths", List.of());
        if (paths.isEmpty()) {
            throw c.error("paths", "a non-empty list of checkpoint directories", "[]");
        }
        Ensemble ensemble = Ensemble.valueOf(c.choice("ensemble", "mean", "mean", "min").toUpperCase(Locale.ROOT));
        String tokenizer = c.string("tokenizer", null);
        int batchSize = c.integer("batch_size", 8, 1, 4096);
        boolean limited = c.has("max_length");
        int maxLength = c.integer("max_length", 0, 2, Integer.MAX_VALUE);
        List<RewardModel> members = new ArrayList<>(paths.size());
        for (String p : paths) {
            Path dir = Path.of(p);
            try {
                ContentTokenizer content = ContentTokenizer.load(tokenizer != null ? Path.of(tokenizer) : dir);
                RewardModel model = RewardModel.of(RewardCheckpoint.read(dir), content, p);
                members.add(limited ? model.withMaxLength(maxLength) : model);
            } catch (IOException e) {
                throw new UncheckedIOException(c.kind() + " '" + c.type() + "': " + e.getMessage(), e);
            }
        }
        return new RewardModelFeedback(members, ensemble, batchSize);
    }
}
