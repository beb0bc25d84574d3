/**
 * Causal language models: the {@link org.prefalign.core.model.CausalLM} interface, the trainable
 * Llama-family decoder {@link org.prefalign.core.model.LlamaModel} (Llama 1–3, Mistral without
 * sliding window, Qwen2; GGUF and Hugging Face checkpoints), scalar heads for PPO critics and
 * reward models, and {@link org.prefalign.core.model.ForwardPass}, through which training reads
 * token log-probs and head outputs and sends their gradients back.
 */
package org.prefalign.core.model;
