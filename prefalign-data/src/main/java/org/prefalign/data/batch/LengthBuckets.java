package org.prefalign.data.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * Forms batches so that sequences of similar length are padded together, deterministically from a
 * seed: a window of {@code windowBatches × batchSize} examples is sorted by length (longest
 * first, equal lengths in arrival order) and cut into batches, and the window's batches are
 * then yielded in a shuffled order, so that training does not see lengths in a trend. A window of
 * one batch forms batches in arrival order (no bucketing). The last batch of the data may be
 * smaller. Bucketing within bounded windows (as fairseq and Hugging Face's
 * {@code group_by_length} do with their mega-batches) keeps batches random across windows and
 * memory bounded to a window.
 *
 * <p>{@link #batches(List, ToIntFunction)} first shuffles the whole list by the seed
 * (Fisher–Yates, {@link SplittableRandom}); {@link #batches(Iterator, ToIntFunction)} streams
 * a source in its own order (an {@link org.prefalign.data.source.OffPolicySource} shuffles by
 * its seed). The same seed and input always give the same batches.
 */
public final class LengthBuckets {

    private final int batchSize;
    private final int windowBatches;
    private final long seed;
    private final boolean shuffle;

    private LengthBuckets(int batchSize, int windowBatches, long seed, boolean shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (windowBatches < 1) {
            throw new IllegalArgumentException("windowBatches must be >= 1 (1 = no bucketing), got " + windowBatches);
        }
        if ((long) batchSize * windowBatches > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batchSize × windowBatches must fit in an array, got " + batchSize + " × "
                    + windowBatches);
        }
        this.batchSize = batchSize;
        this.windowBatches = windowBatches;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    /**
     * Batches of {@code batchSize}, bucketed by length within windows of {@code windowBatches}
     * batches, lists shuffled first, all by {@code seed}.
     */
    public static LengthBuckets of(int batchSize, int windowBatches, long seed) {
        return new LengthBuckets(batchSize, windowBatches, seed, true);
    }

    /** The same, but a list keeps its order before windowing (evaluation, pre-shuffled data). */
    public LengthBuckets withoutShuffle() {
        return new LengthBuckets(batchSize, windowBatches, seed, false);
    }

    /** The batches of {@code items}, whose padded length is {@code length}. */
    public <T> List<List<T>> batches(List<T> items, ToIntFunction<? super T> length) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<T> order = new ArrayList<>(items);
        if (shuffle) {
            for (int i = order.size() - 1; i > 0; i--) {
                Collections.swap(order, i, rng.nextInt(i + 1));
            }
        }
        List<List<T>> out = new ArrayList<>();
        new Windows<>(order.iterator(), length, rng).forEachRemaining(out::add);
        return out;
    }

    /** The batches of a stream of {@code items}, read one window at a time. */
    public <T> Iterator<List<T>> batches(Iterator<T> items, ToIntFunction<? super T> length) {
        return new Windows<>(items, length, new SplittableRandom(seed));
    }

    /** Padding positions of these batches: Σ_batches (size × longest − Σ lengths). */
    public static <T> long paddingTokens(List<? extends List<T>> batches, ToIntFunction<? super T> length) {
        long pad = 0;
        for (List<T> b : batches) {
            int longest = 0;
            long sum = 0;
            for (T t : b) {
                int n = length.applyAsInt(t);
                longest = Math.max(longest, n);
                sum += n;
            }
            pad += (long) longest * b.size() - sum;
        }
        return pad;
    }

    /** Reads a window, sorts it, cuts it, shuffles its batches; then the next window. */
    private final class Windows<T> implements Iterator<List<T>> {
        private final Iterator<T> items;
        private final ToIntFunction<? super T> length;
        private final SplittableRandom rng;
        private final List<List<T>> ready = new ArrayList<>();

        Windows(Iterator<T> items, ToIntFunction<? super T> length, SplittableRandom rng) {
            this.items = items;
            this.length = length;
            this.rng = rng;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty()) {
                fill();
            }
            return !ready.isEmpty();
        }

        @Override
        public List<T> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.remove(ready.size() - 1);
        }

        private void fill() {
            List<T> window = new ArrayList<>();
            while (window.size() < batchSize * windowBatches && items.hasNext()) {
                window.add(items.next());
            }
            if (windowBatches > 1) {
                int[] lengths = new int[window.size()];
                List<Integer> idx = new ArrayList<>(window.size());
                for (int i = 0; i < window.size(); i++) {
                    lengths[i] = length.applyAsInt(window.get(i));
                    idx.add(i);
                }
                idx.sort(Comparator.comparingInt((Integer i) -> -lengths[i])); // stable: ties keep arrival order
                List<T> sorted = new ArrayList<>(window.size());
                for (int i : idx) {
                    sorted.add(window.get(i));
                }
                window = sorted;
            }
            List<List<T>> cut = new ArrayList<>();
            for (int from = 0; from < window.size(); from += batchSize) {
                cut.add(List.copyOf(window.subList(from, Math.min(window.size(), from + batchSize))));
            }
            for (int i = cut.size() - 1; i > 0; i--) {
                Collections.swap(cut, i, rng.nextInt(i + 1));
            }
            // next() takes from the end: reverse so that batches come out in the shuffled order
            Collections.reverse(cut);
            ready.addAll(cut);
        }
    }
}
