package org.prefalign.data.signal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

/**
 * Groups scored completions of the same prompt into rankings by score, the step from pointwise
 * rewards (a reward model, a verifier) to pairs: {@code new RankingToPairs(...).pairs(groups)}.
 * A prompt with a single completion makes no ranking; such groups are counted
 * ({@link #singletons()}).
 *
 * <ul>
 *   <li>{@link #consecutive}: streams; a group is a run of adjacent completions with equal
 *       prompts, as a sampler emits n completions per prompt. A prompt met again later starts a
 *       new group.</li>
 *   <li>{@link #byPrompt}: groups equal prompts wherever they are, holding all of them in memory;
 *       groups come in the order their prompts first appear.</li>
 * </ul>
 * Within a group completions keep their input order.
 */
public final class ScoredGroups implements Iterator<Ranking> {

    private final Iterator<List<ScoredCompletion>> groups;
    private Ranking next;
    private long singletons;

    private ScoredGroups(Iterator<List<ScoredCompletion>> groups) {
        this.groups = groups;
    }

    /** Groups runs of adjacent completions with equal prompts. */
    public static ScoredGroups consecutive(Iterator<ScoredCompletion> scored) {
        return new ScoredGroups(new Iterator<>() {
            private ScoredCompletion pending = scored.hasNext() ? scored.next() : null;

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public List<ScoredCompletion> next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                List<ScoredCompletion> run = new ArrayList<>();
                run.add(pending);
                pending = null;
                while (scored.hasNext()) {
                    ScoredCompletion c = scored.next();
                    if (!c.prompt().equals(run.get(0).prompt())) {
                        pending = c;
                        break;
                    }
                    run.add(c);
                }
                return run;
            }
        });
    }

    /** Groups equal prompts anywhere in the input (reads it all). */
    public static ScoredGroups byPrompt(Iterator<ScoredCompletion> scored) {
        Map<Content, List<ScoredCompletion>> groups = new LinkedHashMap<>();
        scored.forEachRemaining(c -> groups.computeIfAbsent(c.prompt(), p -> new ArrayList<>()).add(c));
        return new ScoredGroups(groups.values().iterator());
    }

    @Override
    public boolean hasNext() {
        while (next == null && groups.hasNext()) {
            List<ScoredCompletion> g = groups.next();
            if (g.size() < 2) {
                singletons++;
            } else {
                next = Ranking.ofScores(g.get(0).prompt(), g.stream().map(ScoredCompletion::completion).toList(),
                        g.stream().map(ScoredCompletion::reward).toList());
            }
        }
        return next != null;
    }

    @Override
    public Ranking next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Ranking r = next;
        next = null;
        return r;
    }

    /** Prompts seen with a single completion, which make no ranking. */
    public long singletons() {
        return singletons;
    }
}
