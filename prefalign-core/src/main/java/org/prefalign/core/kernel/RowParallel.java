package org.prefalign.core.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent rows on a fixed number of threads: the rows are cut into one contiguous range
 * per thread and every row is computed whole by one thread, so the results are bitwise the same
 * for any thread count.
 *
 * <p>The calling thread takes the first range; the others go to a shared pool of daemon threads.
 * If ranges fail, the exception of the lowest failing range is thrown (after all ranges ended),
 * which is the one about the lowest failing row when each range checks its rows in order.
 */
public final class RowParallel {

    /** The work on rows {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonThreads());

    private RowParallel() {
    }

    /**
     * Runs {@code task} over {@code [0, rows)} split into at most {@code threads} ranges.
     *
     * @throws IllegalArgumentException if {@code threads < 1} or {@code rows < 0}
     */
    public static void forEachRange(int rows, int threads, RangeTask task) {
        requireThreads(threads);
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        int ranges = Math.max(1, Math.min(threads, rows));
        if (ranges == 1) {
            task.run(0, rows);
            return;
        }
        int per = (rows + ranges - 1) / ranges;
        List<Future<?>> others = new ArrayList<>(ranges - 1);
        for (int r = 1; r < ranges; r++) {
            int from = Math.min(rows, r * per);
            int to = Math.min(rows, from + per);
            others.add(POOL.submit(() -> task.run(from, to)));
        }
        RuntimeException failure = null;
        try {
            task.run(0, Math.min(rows, per));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            RuntimeException e = await(f);
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Checks a thread count. */
    public static int requireThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads;
    }

    /** Waits for {@code f}; its exception, or null. */
    private static RuntimeException await(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: the range still writes into our outputs
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        return re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    return new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "prefalign-rows-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
