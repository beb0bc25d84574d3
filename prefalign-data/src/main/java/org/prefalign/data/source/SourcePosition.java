package org.prefalign.data.source;

/**
 * Where an {@link OffPolicySource} stands, saved with a checkpoint and given back to
 * {@link OffPolicySource#seek} to resume exactly: the next record is record {@code index} of
 * epoch {@code epoch}'s order. The order of a shuffled epoch is a function of the seed and the
 * epoch alone, so (seed, epoch) is the whole random state; the seed is kept to refuse resuming
 * under another one.
 *
 * @param epoch    0-based epoch; equal to the number of epochs once the source is exhausted
 * @param index    records of that epoch already returned, ≥ 0
 * @param shuffled whether the source shuffles
 * @param seed     the shuffle seed (0 when not shuffled)
 */
public record SourcePosition(int epoch, long index, boolean shuffled, long seed) {

    public SourcePosition {
        if (epoch < 0 || index < 0) {
            throw new IllegalArgumentException("position epoch and index must be >= 0, got epoch " + epoch
                    + ", index " + index);
        }
    }
}
