package org.prefalign.core.sampling;

/**
 * How a {@link Sampler} runs the model's forward steps. Both paths compute the same function
 * (tested to agree to 1e-4 on logits, token for token on greedy decoding); they differ in speed
 * and reach.
 */
public enum DecodePath {
    /** {@link #HOST} for a {@link org.prefalign.core.model.LlamaModel} in float32 on the ND4J CPU backend, else {@link #ND4J}. */
    AUTO,
    /**
     * The host decoder ({@link org.prefalign.core.sampling.host.HostDecoder}): a snapshot of the
     * weights in Java arrays and a per-sequence KV cache, the arithmetic in Vector API kernels
     * (plain Java without the module), sequences spread over threads. For a small model it is
     * an order of magnitude faster, as it makes no ND4J call per op. Needs a float32 LlamaModel.
     */
    HOST,
    /** The model's own {@code decode} on ND4J arrays: any {@link org.prefalign.core.model.CausalLM}, type and backend. */
    ND4J
}
