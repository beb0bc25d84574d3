package org.prefalign.core.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.prefalign.core.autodiff.Buffers;

/**
 * Keys and values of every layer for the tokens decoded so far, so each new token attends to
 * them without recomputing them: per layer [B, kvHeads, capacity, headDim], plus which slots hold
 * real tokens (padding and the slots of finished sequences are invisible).
 */
public final class KvCache implements AutoCloseable {

    private final INDArray[] keys;
    private final INDArray[] values;
    private final boolean[][] valid;
    private int length;

    KvCache(int layers, int batch, int kvHeads, int capacity, int headDim, DataType type) {
        if (batch <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("cache batch and capacity must be positive, got " + batch + " and " + capacity);
        }
        keys = new INDArray[layers];
        values = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = Nd4j.create(type, batch, kvHeads, capacity, headDim);
            values[l] = Nd4j.create(type, batch, kvHeads, capacity, headDim);
        }
        valid = new boolean[batch][capacity];
    }

    public int batchSize() {
        return valid.length;
    }

    public int capacity() {
        return valid[0].length;
    }

    /** Slots filled so far. */
    public int length() {
        return length;
    }

    /** Reserves the next {@code step} slots with their validity; returns the first slot. */
    int reserve(boolean[][] stepValid) {
        int step = stepValid[0].length;
        if (stepValid.length != batchSize()) {
            throw new IllegalArgumentException("decode step has " + stepValid.length + " sequences, the cache " + batchSize());
        }
        if (length + step > capacity()) {
            throw new IllegalArgumentException("cache capacity " + capacity() + " exceeded: " + length + " + " + step);
        }
        for (int b = 0; b < batchSize(); b++) {
            System.arraycopy(stepValid[b], 0, valid[b], length, step);
        }
        return length;
    }

    /** Marks the reserved slots as filled (after every layer has written them). */
    void advance(int step) {
        length += step;
    }

    /** Validity of slots [0, end) per sequence. */
    boolean[][] validPrefix(int end) {
        boolean[][] v = new boolean[batchSize()][];
        for (int b = 0; b < batchSize(); b++) {
            v[b] = Arrays.copyOf(valid[b], end);
        }
        return v;
    }

    /** Writes k4/v4 [B, kvHeads, step, d] of a layer at slots [from, from + step). */
    void write(int layer, int from, INDArray k4, INDArray v4) {
        int step = (int) k4.size(2);
        keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + step), NDArrayIndex.all())
                .assign(k4);
        values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + step), NDArrayIndex.all())
                .assign(v4);
    }

    /** Keys of a layer at slots [0, end), a view. */
    INDArray keys(int layer, int end) {
        return keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all());
    }

    /** Values of a layer at slots [0, end), a view. */
    INDArray values(int layer, int end) {
        return values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all());
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            Buffers.release(keys[l], values[l]);
        }
    }
}
