/**
 * A decoder for sampling that runs on the host without an ND4J call per op: the weights of a
 * {@link org.prefalign.core.model.LlamaModel} snapshotted into float arrays packed for the
 * matrix products ({@link org.prefalign.core.sampling.host.PackedLinear}), a float KV cache per
 * sequence ({@link org.prefalign.core.sampling.host.SequenceCache}), and the arithmetic in one
 * {@link org.prefalign.core.sampling.host.DecodeKernel}: Vector API where the
 * {@code jdk.incubator.vector} module is present, plain Java otherwise
 * ({@link org.prefalign.core.sampling.host.DecodeKernels}). In the style of Jlama (T. Jake
 * Luciani, github.com/tjake/Jlama), where a small model's speed is set by the per-op overhead.
 */
package org.prefalign.core.sampling.host;
