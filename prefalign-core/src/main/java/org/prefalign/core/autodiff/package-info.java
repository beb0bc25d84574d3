/**
 * Reverse-mode automatic differentiation over ND4J arrays: a {@link org.prefalign.core.autodiff.Tape}
 * records ops on {@link org.prefalign.core.autodiff.Tensor}s and replays their backward steps.
 *
 * <p>Each op is one class with its forward, its hand-derived backward and its own
 * finite-difference test. The ops a Llama decoder needs are fused where that saves temporaries
 * (attention, RMSNorm, SwiGLU, token log-probs). Everything runs on ND4J array ops, so any ND4J
 * backend (CUDA included) works; on the CPU backend in float32, attention, RMSNorm and SwiGLU
 * switch to Java Vector API kernels ({@link org.prefalign.core.autodiff.Implementation}), tested
 * against the array ops.
 *
 * <p>SameDiff is not used: in ND4J 1.0.0-M2.1 several of its gradients are wrong (gather with
 * repeated indices, sparse softmax cross-entropy) or missing (log-softmax along an axis).
 */
package org.prefalign.core.autodiff;
