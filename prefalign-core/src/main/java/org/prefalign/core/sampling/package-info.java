/**
 * Batched autoregressive sampling with a key/value cache: temperature, top-k, top-p and min-p as
 * Hugging Face applies them, stop tokens, and per-sequence seeded random streams.
 *
 * <p>{@link org.prefalign.core.sampling.Sampler} runs the model either on the host decoder
 * ({@link org.prefalign.core.sampling.host}: a weight snapshot in Java arrays, Vector API kernels,
 * sequences spread over threads; the default for a float32 Llama model on the CPU) or through the
 * model's ND4J {@code decode} (any model, type and backend). See
 * {@link org.prefalign.core.sampling.DecodePath}.
 */
package org.prefalign.core.sampling;
