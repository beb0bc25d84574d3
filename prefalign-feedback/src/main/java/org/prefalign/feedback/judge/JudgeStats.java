package org.prefalign.feedback.judge;

/**
 * What a judge has done so far.
 *
 * @param requests           HTTP requests sent (every attempt)
 * @param retries            attempts retried after a transient failure (429, 5xx, timeout, malformed body)
 * @param unparseableReplies replies without a parseable verdict
 * @param cacheHits          verdicts answered from the cache without a call
 * @param verdictsFetched    verdicts obtained from the API (and appended to the cache)
 */
public record JudgeStats(long requests, long retries, long unparseableReplies, long cacheHits, long verdictsFetched) {
}
