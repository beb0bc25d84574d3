package org.prefalign.core.kernel;

/**
 * The per-row arithmetic of token log-probs: the log-sum-exp of one row of logits, and the
 * gradient of one token's log-prob with respect to its row.
 *
 * <p>Both stream the row through a small reused chunk (so an instance belongs to one thread).
 * The log-sum-exp is the online normaliser of Milakov &amp; Gimelshein (2018, "Online normalizer
 * calculation for softmax", arXiv:1805.02867) applied per chunk: the chunk's maximum m_c, then
 * with M = max(M, m_c) the running sum becomes s·e^{M_old − M} + Σ_chunk e^{x − M}; the row is read
 * from memory once.
 */
interface RowKernel {

    /**
     * log Σ_v e^{x_v} over {@code x = src[start, start + vocab)}; NaN or ±∞ when the row holds NaN
     * or +∞, or is entirely −∞ (the caller reports those).
     */
    double logSumExp(ChunkedValues src, long start, int vocab);

    /**
     * Writes {@code dst[dstStart + v] = u · (1[v = target] − e^{x_v − lse})}, the gradient of
     * {@code u · log softmax(x)[target]}; {@code dst} may be {@code src} at the same start (in place).
     */
    void gradient(ChunkedValues src, long start, int vocab, int target, double lse, double u,
                  ChunkedValues dst, long dstStart);
}
