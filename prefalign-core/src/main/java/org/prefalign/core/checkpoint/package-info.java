/**
 * Training checkpoints that resume exactly: a {@link org.prefalign.core.checkpoint.Checkpoint}
 * saves, atomically, the {@link org.prefalign.core.checkpoint.StateSnapshot state} of every
 * {@link org.prefalign.core.checkpoint.Checkpointable} part of a run — model parameters
 * ({@link org.prefalign.core.checkpoint.ParameterState}), optimizer moments and step count
 * ({@link org.prefalign.core.checkpoint.OptimizerState}), the seed stream
 * ({@link org.prefalign.core.checkpoint.SplitMix64}) and whatever else a training loop keeps — so
 * that save, load and continue gives bit for bit the numbers of a run that never stopped.
 */
package org.prefalign.core.checkpoint;
