package org.prefalign.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SplitMix64 against the JDK's SplittableRandom (same algorithm, independent code), and its state round trip. */
class SplitMix64Test {

    @Test
    void drawsWhatSplittableRandomDraws() {
        for (long seed : new long[] {0, 1, -7, 42, Long.MIN_VALUE, 0x9e3779b97f4a7c15L}) {
            SplitMix64 ours = new SplitMix64(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 200; i++) {
                assertEquals(jdk.nextLong(), ours.nextLong(), "nextLong seed " + seed + " draw " + i);
                assertEquals(jdk.nextInt(), ours.nextInt(), "nextInt");
                assertEquals(jdk.nextInt(1000), ours.nextInt(1000), "nextInt(1000)");
                assertEquals(jdk.nextInt(64), ours.nextInt(64), "nextInt(64)");
                assertEquals(jdk.nextInt(Integer.MAX_VALUE), ours.nextInt(Integer.MAX_VALUE), "nextInt(max)");
                assertEquals(jdk.nextDouble(), ours.nextDouble(), 0.0, "nextDouble");
            }
        }
    }

    @Test
    void splitsAsSplittableRandomSplits() {
        SplitMix64 ours = new SplitMix64(2024);
        SplittableRandom jdk = new SplittableRandom(2024);
        for (int k = 0; k < 20; k++) {
            SplitMix64 child = ours.split();
            SplittableRandom jdkChild = jdk.split();
            for (int i = 0; i < 20; i++) {
                assertEquals(jdkChild.nextLong(), child.nextLong(), "child " + k + " draw " + i);
            }
            SplitMix64 grandchild = child.split();
            SplittableRandom jdkGrandchild = jdkChild.split();
            assertEquals(jdkGrandchild.nextLong(), grandchild.nextLong());
            assertEquals(jdk.nextLong(), ours.nextLong(), "parent after split " + k);
        }
    }

    @Test
    void restoredStateContinuesTheSameSequenceIncludingSplitChildren() {
        SplitMix64 a = new SplitMix64(5);
        SplitMix64 child = a.split();
        for (int i = 0; i < 17; i++) {
            a.nextLong();
            child.nextInt(10);
        }
        StateSnapshot savedA = a.saveState();
        StateSnapshot savedChild = child.saveState();
        SplitMix64 b = new SplitMix64(999);
        SplitMix64 childCopy = new SplitMix64(-3);
        b.restoreState(savedA);
        childCopy.restoreState(savedChild);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.nextLong(), b.nextLong());
            assertEquals(child.nextDouble(), childCopy.nextDouble(), 0.0);
        }
        assertEquals(a.split().nextLong(), b.split().nextLong());
    }

    @Test
    void badStatesAreRejectedWithoutChangingTheGenerator() {
        SplitMix64 g = new SplitMix64(1);
        SplitMix64 same = new SplitMix64(1);
        var even = StateSnapshot.newMetadata().put("seed", 3L).put("gamma", 4L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.restoreState(StateSnapshot.of(even)));
        assertEquals("metadata field 'gamma' must be odd, got 4", e.getMessage());
        var missing = StateSnapshot.newMetadata().put("seed", 3L);
        e = assertThrows(IllegalArgumentException.class, () -> g.restoreState(StateSnapshot.of(missing)));
        assertEquals("metadata field 'gamma' must be an integer in the range of a long, got null", e.getMessage());
        assertEquals(same.nextLong(), g.nextLong());
    }
}
