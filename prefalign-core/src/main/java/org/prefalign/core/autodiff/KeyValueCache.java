package org.prefalign.core.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys and values of every layer for the tokens decoded so far, so each new token attends to
 * them without recomputing them, plus which slots hold real tokens (padding and the slots of
 * finished sequences are invisible). Inference only.
 *
 * <p>Two stores, by the {@link Implementation} that applies: ND4J arrays [B, kvHeads, capacity, d]
 * per layer (any backend), or host blocks laid out for the vector kernel (CPU, float32).
 */
public final class KeyValueCache implements AutoCloseable {

    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final DataType type;
    private final boolean[][] valid;
    private final INDArray[] keys;
    private final INDArray[] values;
    private final VectorAttention.KeyBlock[][] blocks;
    private int length;
    private int stepFrom = -1;
    private int stepLength;
    private INDArray stepMask;

    /**
     * @param impl which store and attention to use ({@link Implementation#AUTO}: the vector kernel where it applies)
     */
    public KeyValueCache(int layers, int batch, int kvHeads, int capacity, int headDim, DataType type, Implementation impl) {
        if (layers <= 0 || batch <= 0 || kvHeads <= 0 || capacity <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("cache sizes must be positive: layers " + layers + ", batch " + batch
                    + ", kvHeads " + kvHeads + ", capacity " + capacity + ", headDim " + headDim);
        }
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.type = type;
        this.valid = new boolean[batch][capacity];
        if (impl.vectorFor(type, "attention")) {
            keys = null;
            values = null;
            blocks = new VectorAttention.KeyBlock[layers][batch * kvHeads];
            for (VectorAttention.KeyBlock[] layer : blocks) {
                for (int i = 0; i < layer.length; i++) {
                    layer[i] = new VectorAttention.KeyBlock(capacity, headDim);
                }
            }
        } else {
            blocks = null;
            keys = new INDArray[layers];
            values = new INDArray[layers];
            for (int l = 0; l < layers; l++) {
                keys[l] = Nd4j.create(type, batch, kvHeads, capacity, headDim);
                values[l] = Nd4j.create(type, batch, kvHeads, capacity, headDim);
            }
        }
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

    /**
     * Opens a step of Tq tokens per sequence (their validity [B][Tq]) at the next free slots;
     * every layer then {@linkplain #attend attends} once, and {@link #endStep()} closes it.
     *
     * @throws IllegalArgumentException when the step does not fit or does not match the batch
     */
    public void beginStep(boolean[][] stepValid) {
        if (stepFrom >= 0) {
            throw new IllegalStateException("the previous decoding step was not ended");
        }
        int step = stepValid.length == 0 ? 0 : stepValid[0].length;
        if (stepValid.length != batchSize() || step == 0) {
            throw new IllegalArgumentException("decode step has " + stepValid.length + " sequences of " + step
                    + " tokens, the cache holds " + batchSize() + " sequences");
        }
        if (length + step > capacity()) {
            throw new IllegalArgumentException("cache capacity " + capacity() + " exceeded: " + length + " + " + step);
        }
        for (int b = 0; b < batchSize(); b++) {
            System.arraycopy(stepValid[b], 0, valid[b], length, step);
        }
        stepFrom = length;
        stepLength = step;
        if (blocks == null) {
            boolean[][] prefix = new boolean[batchSize()][];
            for (int b = 0; b < batchSize(); b++) {
                prefix[b] = Arrays.copyOf(valid[b], length + step);
            }
            stepMask = new AttentionMask(prefix, step).additive(type);
        }
    }

    /**
     * A layer's attention for the open step: stores the step's keys and values k, v [B·Tq, kvHeads·d]
     * and attends the queries q [B·Tq, heads·d] to every visible slot up to their own. Returns
     * [B·Tq, heads·d], owned by the tape.
     */
    public Tensor attend(Tape tape, int layer, Tensor q, Tensor k, Tensor v, GroupedQueryAttention.Shape s) {
        if (stepFrom < 0) {
            throw new IllegalStateException("attend outside a decoding step: call beginStep first");
        }
        if (layer < 0 || layer >= layers || s.batch() != batchSize() || s.queries() != stepLength
                || s.kvHeads() != kvHeads || s.headDim() != headDim) {
            throw new IllegalArgumentException("attention shape " + s + " or layer " + layer + " does not match the cache");
        }
        int end = stepFrom + stepLength;
        if (blocks != null) {
            float[] out = new float[Math.toIntExact(q.value().length())];
            boolean[][] stepValid = new boolean[batchSize()][];
            for (int b = 0; b < batchSize(); b++) {
                stepValid[b] = Arrays.copyOfRange(valid[b], stepFrom, end);
            }
            VectorAttention.decode(HostFloats.read(q.value()), HostFloats.read(k.value()), HostFloats.read(v.value()),
                    blocks[layer], stepFrom, stepValid, s, out);
            return Tensor.constant(tape.own(HostFloats.write(out, q.shape())));
        }
        INDArray q4 = tape.own(GroupedQueryAttention.queriesByKvHead(q.value(), s));
        q4.muli(s.scale());
        slots(keys[layer], stepFrom, end).assign(tape.own(GroupedQueryAttention.byKvHead(k.value(), s)));
        slots(values[layer], stepFrom, end).assign(tape.own(GroupedQueryAttention.byKvHead(v.value(), s)));
        INDArray probs = tape.own(GroupedQueryAttention.probabilities(q4, slots(keys[layer], 0, end), stepMask, s.groups()));
        INDArray o4 = tape.own(Nd4j.matmul(probs, slots(values[layer], 0, end), null, false, false, false));
        return Tensor.constant(tape.own(GroupedQueryAttention.rowsFromQueries(o4, s)));
    }

    /** Closes the step: its slots count as filled. */
    public void endStep() {
        if (stepFrom < 0) {
            throw new IllegalStateException("no decoding step is open");
        }
        length = stepFrom + stepLength;
        stepFrom = -1;
        if (stepMask != null) {
            Buffers.release(stepMask);
            stepMask = null;
        }
    }

    private static INDArray slots(INDArray store, int from, int to) {
        return store.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    @Override
    public void close() {
        if (keys != null) {
            for (int l = 0; l < layers; l++) {
                Buffers.release(keys[l], values[l]);
            }
        }
    }
}
