/**
 * Optimizers and what surrounds a step: AdamW as torch computes it, clipping by global norm,
 * Hugging Face's warmup schedules, and exact gradient accumulation over micro-batches.
 */
package org.prefalign.core.optim;
