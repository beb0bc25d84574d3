/**
 * Tensor kernels between a language model's logits and the objectives: token log-probs from
 * logits in one pass with their gradient ({@link org.prefalign.core.kernel.TokenLogProbKernel},
 * chosen by {@link org.prefalign.core.kernel.TokenLogProbKernels}), and masked per-sequence
 * reductions ({@link org.prefalign.core.kernel.MaskedReductions}).
 *
 * <p>Host kernels read ND4J's off-heap buffers in place, a cache-sized chunk at a time
 * ({@link org.prefalign.core.kernel.OffHeapValues}), and spread rows over threads so that each
 * row is computed whole by one thread ({@link org.prefalign.core.kernel.RowParallel}): results are
 * the same for any thread count.
 */
package org.prefalign.core.kernel;
