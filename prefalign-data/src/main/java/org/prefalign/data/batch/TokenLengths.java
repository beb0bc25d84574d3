package org.prefalign.data.batch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.inspect.Stats;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Example;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

/**
 * Token length statistics per field of a dataset, counted as training sees the tokens
 * ({@link ContentTokenizer}, before truncation): {@code prompt} (chat rendered with the generation
 * prompt, BOS included), each completion field ({@code chosen}, {@code rejected},
 * {@code completion}, {@code completions}; EOS included for text), and {@code sequence}, a
 * record's longest prompt + completion (what {@link Truncation#maxLength()} limits).
 */
public final class TokenLengths {

    private final ContentTokenizer content;
    private final Map<String, Stats> stats = new LinkedHashMap<>();

    public TokenLengths(ContentTokenizer content) {
        this.content = Objects.requireNonNull(content, "content");
    }

    /** Counts one record. */
    public void add(Example e) {
        if (e instanceof PreferencePair p) {
            add(p.prompt(), List.of(p.chosen(), p.rejected()), List.of("chosen", "rejected"));
        } else if (e instanceof LabelledCompletion c) {
            add(c.prompt(), List.of(c.completion()), List.of("completion"));
        } else if (e instanceof ScoredCompletion c) {
            add(c.prompt(), List.of(c.completion()), List.of("completion"));
        } else if (e instanceof Ranking r) {
            add(r.prompt(), r.completions(), Collections.nCopies(r.size(), "completions"));
        }
    }

    private void add(Content prompt, List<Content> completions, List<String> fields) {
        int longest = 0;
        for (int i = 0; i < completions.size(); i++) {
            PromptCompletion pc = content.encode(prompt, completions.get(i));
            if (i == 0) {
                stat("prompt").add(pc.completionStart());
            }
            stat(fields.get(i)).add(pc.completionIds().length);
            longest = Math.max(longest, pc.completionStart() + pc.completionIds().length);
        }
        stat("sequence").add(longest);
    }

    private Stats stat(String field) {
        return stats.computeIfAbsent(field, k -> new Stats());
    }

    /** Statistics by field, in the order fields were first met, {@code sequence} after the record's fields. */
    public Map<String, Stats> stats() {
        Map<String, Stats> ordered = new LinkedHashMap<>(stats);
        Stats seq = ordered.remove("sequence");
        if (seq != null) {
            ordered.put("sequence", seq);
        }
        return Collections.unmodifiableMap(ordered);
    }
}
