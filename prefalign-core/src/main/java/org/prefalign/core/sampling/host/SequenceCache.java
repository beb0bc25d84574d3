package org.prefalign.core.sampling.host;

/**
 * The keys and values of one sequence's tokens so far, per layer, as a {@link HostDecoder}
 * writes and reads them: per key/value head a [d][slots] block of keys and one of values
 * (transposed, so that attention's loops over slots run along contiguous memory). The sequence
 * has no padding: slot p holds the token at position p.
 */
public final class SequenceCache {

    final int slots;
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private int length;

    SequenceCache(int layers, int kvHeads, int headDim, int capacity, int slotMultiple) {
        this.capacity = capacity;
        this.slots = PackedLinear.roundUp(capacity, slotMultiple);
        int perLayer = Math.multiplyExact(Math.multiplyExact(kvHeads, headDim), slots);
        keys = new float[layers][perLayer];
        values = new float[layers][perLayer];
    }

    /** Tokens decoded so far (the position of the next one). */
    public int length() {
        return length;
    }

    /** The most tokens it holds. */
    public int capacity() {
        return capacity;
    }

    void advance() {
        length++;
    }
}
