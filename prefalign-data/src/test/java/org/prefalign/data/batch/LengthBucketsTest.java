package org.prefalign.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.text;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.PreferencePair;

/** Bucketing by length: every item once, less padding, the same batches for the same seed. */
class LengthBucketsTest {

    /** Item i has length LENGTHS[i]: lengths 1..200 in a fixed random order. */
    private static final int[] LENGTHS = new Random(7).ints(500, 1, 201).toArray();
    private static final List<Integer> ITEMS = java.util.stream.IntStream.range(0, LENGTHS.length).boxed().toList();
    private static final ToIntFunction<Integer> LENGTH = i -> LENGTHS[i];

    private static void assertPartition(List<List<Integer>> batches, int batchSize) {
        List<Integer> seen = new ArrayList<>();
        int small = 0;
        for (List<Integer> b : batches) {
            assertTrue(b.size() <= batchSize && !b.isEmpty());
            small += b.size() < batchSize ? 1 : 0;
            seen.addAll(b);
        }
        assertTrue(small <= 1, "at most one partial batch");
        seen.sort(null);
        assertEquals(ITEMS, seen);
    }

    @Test
    void everyItemIsInExactlyOneBatch() {
        assertPartition(LengthBuckets.of(8, 16, 1).batches(ITEMS, LENGTH), 8);
        assertPartition(LengthBuckets.of(8, 1, 1).batches(ITEMS, LENGTH), 8);
        assertPartition(LengthBuckets.of(7, 3, 1).withoutShuffle().batches(ITEMS, LENGTH), 7);
        assertPartition(LengthBuckets.of(1000, 2, 1).batches(ITEMS, LENGTH), 1000);
    }

    @Test
    void bucketingCutsPaddingAndWiderWindowsCutMore() {
        long plain = LengthBuckets.paddingTokens(LengthBuckets.of(8, 1, 3).batches(ITEMS, LENGTH), LENGTH);
        long window4 = LengthBuckets.paddingTokens(LengthBuckets.of(8, 4, 3).batches(ITEMS, LENGTH), LENGTH);
        long window64 = LengthBuckets.paddingTokens(LengthBuckets.of(8, 64, 3).batches(ITEMS, LENGTH), LENGTH);
        assertTrue(window4 < plain / 2, plain + " vs " + window4);
        assertTrue(window64 < window4, window4 + " vs " + window64);
        // a single window holding everything sorts it all: batches are runs of the sorted lengths
        List<List<Integer>> all = LengthBuckets.of(10, 50, 3).batches(ITEMS, LENGTH);
        for (List<Integer> b : all) {
            int lo = b.stream().mapToInt(LENGTH).min().orElseThrow();
            int hi = b.stream().mapToInt(LENGTH).max().orElseThrow();
            long outside = ITEMS.stream().filter(i -> !b.contains(i)).mapToInt(LENGTH).filter(l -> l > lo && l < hi).count();
            assertEquals(0, outside, "no other item's length lies strictly inside a batch's range");
        }
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        assertEquals(LengthBuckets.of(8, 16, 42).batches(ITEMS, LENGTH), LengthBuckets.of(8, 16, 42).batches(ITEMS, LENGTH));
        assertNotEquals(LengthBuckets.of(8, 16, 42).batches(ITEMS, LENGTH), LengthBuckets.of(8, 16, 43).batches(ITEMS, LENGTH));
        // without bucketing, batches are consecutive runs of the seeded shuffle
        List<List<Integer>> plain = LengthBuckets.of(5, 1, 9).batches(ITEMS, LENGTH);
        List<Integer> shuffled = new ArrayList<>(ITEMS);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            java.util.Collections.swap(shuffled, i, rng.nextInt(i + 1));
        }
        assertEquals(shuffled.subList(0, 5), plain.get(0));
        assertEquals(shuffled.subList(495, 500), plain.get(99));
    }

    @Test
    void streamingGivesWhatTheUnshuffledListGives() {
        LengthBuckets b = LengthBuckets.of(6, 5, 11).withoutShuffle();
        List<List<Integer>> streamed = new ArrayList<>();
        Iterator<List<Integer>> it = b.batches(ITEMS.iterator(), LENGTH);
        it.forEachRemaining(streamed::add);
        assertEquals(b.batches(ITEMS, LENGTH), streamed);
        assertTrue(!it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        // a window is sorted longest first, then its batches come out shuffled
        List<Integer> firstWindow = new ArrayList<>();
        streamed.subList(0, 5).forEach(firstWindow::addAll);
        firstWindow.sort(null);
        assertEquals(ITEMS.subList(0, 30), firstWindow);
    }

    @Test
    void encodedPairsBucketedByTheirLongestRowPadLess() {
        Collator c = Collator.of(ContentTokenizer.of(Stories.tokenizer(), Optional.empty()));
        Random rng = new Random(5);
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pairs.add(new PreferencePair(text("Once upon a time"), text(" the cat".repeat(1 + rng.nextInt(20))),
                    text(" a dog".repeat(1 + rng.nextInt(20)))));
        }
        List<Encoded<PreferencePair>> enc = c.encodeAll(pairs);
        long plain = 0;
        long bucketed = 0;
        for (List<Encoded<PreferencePair>> b : LengthBuckets.of(4, 1, 2).batches(enc, Encoded::length)) {
            plain += c.pairs(b).sequences().paddingTokens();
        }
        for (List<Encoded<PreferencePair>> b : LengthBuckets.of(4, 16, 2).batches(enc, Encoded::length)) {
            bucketed += c.pairs(b).sequences().paddingTokens();
        }
        assertTrue(bucketed < plain, plain + " vs " + bucketed);
    }

    @Test
    void sizesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> LengthBuckets.of(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> LengthBuckets.of(4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LengthBuckets.of(1 << 20, 1 << 20, 0));
    }
}
