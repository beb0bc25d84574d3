package org.prefalign.feedback.judge;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * When a judge call is tried again. Retried: HTTP 429 (rate limit), 408, every 5xx, timeouts,
 * connection failures and malformed response bodies, up to {@code maxAttempts} calls in all.
 * Before retry k (k = 1, 2, …) the client waits the server's {@code Retry-After} when a 429 or 503
 * carries one, otherwise "full jitter" exponential backoff (Brooker, "Exponential Backoff and
 * Jitter", AWS Architecture Blog, 2015): a uniform draw from
 * {@code [0, min(maxDelay, initialDelay · 2^(k−1))]}, which spreads clients that failed together.
 *
 * <p>A reply whose verdict cannot be parsed is asked again at most {@code parseRetries} times
 * (sampling may give a well-formed reply; a deterministic judge will not, and then the verdict is
 * an error, never a guess). Those calls do not count against {@code maxAttempts}.
 *
 * @param maxAttempts  calls per verdict for transient failures, ≥ 1
 * @param initialDelay the backoff cap of the first retry, &gt; 0
 * @param maxDelay     the largest backoff cap, ≥ initialDelay
 * @param parseRetries extra calls for unparseable verdicts, ≥ 0
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, int parseRetries) {

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry: 'max_attempts' must be >= 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("retry: 'backoff_initial_s' must be > 0, got " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("retry: 'backoff_max_s' must be >= backoff_initial_s (" + initialDelay
                    + "), got " + maxDelay);
        }
        if (parseRetries < 0) {
            throw new IllegalArgumentException("retry: 'parse_retries' must be >= 0, got " + parseRetries);
        }
    }

    /** 6 attempts, backoff from 1 s up to 60 s, one retry for an unparseable verdict. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60), 1);
    }

    /** The backoff cap before retry {@code k} (1-based): {@code min(maxDelay, initialDelay · 2^(k−1))}. */
    public Duration cap(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("retry number must be >= 1, got " + k);
        }
        long initial = initialDelay.toNanos();
        long max = maxDelay.toNanos();
        // Doubling past max (or past 2^62 ns) would overflow; stop at max.
        long cap = k - 1 >= 62 || initial > (max >> (k - 1)) ? max : initial << (k - 1);
        return Duration.ofNanos(Math.min(cap, max));
    }

    /** The wait before retry {@code k}: the server's {@code retryAfter} if given, else a full-jitter draw. */
    public Duration delay(int k, Optional<Duration> retryAfter, Random random) {
        if (retryAfter.isPresent()) {
            return retryAfter.get();
        }
        long cap = cap(k).toNanos();
        return Duration.ofNanos(cap == 0 ? 0 : (long) (random.nextDouble() * cap));
    }
}
