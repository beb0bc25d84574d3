package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class RowParallelTest {

    @Test
    void everyRowRunsExactlyOnce() {
        for (int threads = 1; threads <= 5; threads++) {
            for (int rows : new int[] {0, 1, 2, 7, 100}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                RowParallel.forEachRange(rows, threads, (from, to) -> {
                    for (int r = from; r < to; r++) {
                        seen.incrementAndGet(r);
                    }
                });
                for (int r = 0; r < rows; r++) {
                    assertEquals(1, seen.get(r), "row " + r + " with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void theLowestFailingRangeIsReported() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RowParallel.forEachRange(9, 3, (from, to) -> {
                    if (from > 0) {
                        throw new IllegalStateException("range from " + from);
                    }
                }));
        assertEquals("range from 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowParallel.forEachRange(3, 0, (a, b) -> { }));
    }
}
