package org.prefalign.core.checkpoint;

/**
 * A stateful part of a training run that a {@link Checkpoint} saves and restores: model
 * parameters ({@link ParameterState}), optimizer moments ({@link OptimizerState}), a random
 * generator ({@link SplitMix64}), and whatever else must survive a restart for the run to continue
 * exactly as if it had not stopped (a data source's position, a running mean, an adaptive
 * coefficient).
 *
 * <p>The contract that makes resumption exact: after {@code b.restoreState(a.saveState())}, {@code b}
 * behaves bit for bit as {@code a} did when it was saved.
 */
public interface Checkpointable {

    /**
     * The current state. Its tensors may share memory with this object (a checkpoint reads them
     * before training goes on), so callers that keep a snapshot while the object changes must copy it.
     */
    StateSnapshot saveState();

    /**
     * Returns to a state that {@link #saveState()} of a like object produced.
     *
     * @throws IllegalArgumentException naming the tensor or field, when the state lacks one, has one
     *                                  it should not, or holds one of the wrong shape, type or range;
     *                                  checked before anything changes, so this object is then untouched
     */
    void restoreState(StateSnapshot state);
}
