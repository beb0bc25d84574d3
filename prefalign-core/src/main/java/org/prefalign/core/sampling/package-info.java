/**
 * Batched autoregressive sampling with a key/value cache: temperature, top-k, top-p and min-p as
 * Hugging Face applies them, stop tokens, and per-sequence seeded random streams.
 */
package org.prefalign.core.sampling;
