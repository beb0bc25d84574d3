package org.prefalign.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of one {@link Checkpointable} at one moment: named float32 tensors (stored in a
 * safetensors file, exactly) and a JSON object for everything small (counters, seeds, positions,
 * running statistics; Jackson writes a double so that it reads back to the same bits).
 *
 * @param tensors  by name, in a stable order; FLOAT arrays
 * @param metadata a JSON object (copied)
 */
public record StateSnapshot(Map<String, INDArray> tensors, ObjectNode metadata) {

    public StateSnapshot {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("tensor names must be non-empty and not '__metadata__', got '"
                        + e.getKey() + "'");
            }
            INDArray a = Objects.requireNonNull(e.getValue(), () -> "tensor '" + e.getKey() + "'");
            if (a.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + a.dataType()
                        + ": checkpoints store FLOAT tensors (safetensors F32, bit-exact); keep counters in the metadata");
            }
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = metadata.deepCopy();
    }

    /** A state of metadata only. */
    public static StateSnapshot of(ObjectNode metadata) {
        return new StateSnapshot(Map.of(), metadata);
    }

    /** A state of tensors only. */
    public static StateSnapshot of(Map<String, INDArray> tensors) {
        return new StateSnapshot(tensors, newMetadata());
    }

    /** An empty JSON object to fill with metadata. */
    public static ObjectNode newMetadata() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The metadata (a copy: the snapshot does not change). */
    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /**
     * Tensor {@code name}, checked to have {@code shape}.
     *
     * @throws IllegalArgumentException naming the tensor when it is absent or of another shape
     */
    public INDArray tensor(String name, long... shape) {
        INDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("the state lacks tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(a.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return a;
    }

    /**
     * Metadata field {@code name} as a long.
     *
     * @throws IllegalArgumentException naming the field when it is absent or not an integer that fits a long
     */
    public long longField(String name) {
        JsonNode v = metadata.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("metadata field '" + name + "' must be an integer in the range of a long, got "
                    + v);
        }
        return v.longValue();
    }

    /**
     * Metadata field {@code name} as a double.
     *
     * @throws IllegalArgumentException naming the field when it is absent or not a number
     */
    public double doubleField(String name) {
        JsonNode v = metadata.get(name);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("metadata field '" + name + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    /**
     * Throws unless the tensor names are exactly {@code expected}: what is missing and what is
     * unexpected are both named.
     */
    public void requireTensorNames(Set<String> expected) {
        if (!tensors.keySet().equals(expected)) {
            Set<String> missing = new LinkedHashSet<>(expected);
            missing.removeAll(tensors.keySet());
            Set<String> unexpected = new LinkedHashSet<>(tensors.keySet());
            unexpected.removeAll(expected);
            throw new IllegalArgumentException("the state's tensors do not match: missing " + missing + ", unexpected "
                    + unexpected);
        }
    }
}
