package org.prefalign.data.signal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;

/**
 * Preference pairs → unpaired labels, for KTO (Ethayarajh et al. 2024, arXiv:2402.01306) and BCO:
 * each pair gives its chosen completion as desirable and its rejected one as undesirable (TRL's
 * {@code unpair_preference_dataset}). Ties carry no preference and are dropped, counted by
 * {@link #tiesSkipped()}.
 *
 * <p>Order: pairs are taken in blocks of {@code block}; each block gives all its chosen
 * completions, then all its rejected ones, in pair order. With {@link #TRL_BLOCK} this is TRL's
 * order (its batched map works on blocks of 1000). The order matters for KTO: its KL term pairs
 * each prompt with a neighbour's completion ({@link org.prefalign.data.batch.KtoBatch}), and with
 * {@code block = 1} a rejected completion's neighbour is its own pair's chosen one, of the same
 * prompt.
 */
public final class Unpairing implements Iterator<LabelledCompletion> {

    /** TRL's block: {@code datasets.map(batched=True)} default batch size. */
    public static final int TRL_BLOCK = 1000;

    private final Iterator<PreferencePair> pairs;
    private final int block;
    private final ArrayDeque<LabelledCompletion> ready = new ArrayDeque<>();
    private long tiesSkipped;

    /**
     * @param pairs the pairs, read lazily
     * @param block pairs per block, ≥ 1
     */
    public Unpairing(Iterator<PreferencePair> pairs, int block) {
        this.pairs = Objects.requireNonNull(pairs, "pairs");
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1, got " + block);
        }
        this.block = block;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && pairs.hasNext()) {
            List<PreferencePair> taken = new ArrayList<>();
            while (taken.size() < block && pairs.hasNext()) {
                PreferencePair p = pairs.next();
                if (p.tie()) {
                    tiesSkipped++;
                } else {
                    taken.add(p);
                }
            }
            for (PreferencePair p : taken) {
                ready.add(new LabelledCompletion(p.prompt(), p.chosen(), true));
            }
            for (PreferencePair p : taken) {
                ready.add(new LabelledCompletion(p.prompt(), p.rejected(), false));
            }
        }
        return !ready.isEmpty();
    }

    @Override
    public LabelledCompletion next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** Tie pairs dropped so far. */
    public long tiesSkipped() {
        return tiesSkipped;
    }
}
