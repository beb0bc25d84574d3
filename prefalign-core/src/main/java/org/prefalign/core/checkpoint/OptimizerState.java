package org.prefalign.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.optim.Optimizer;

/**
 * An {@link Optimizer}'s {@link Optimizer#stateDict() state dict} as checkpoint state: its float
 * slots (AdamW's moments) as tensors, its integer scalars (the step count, which also places a
 * learning-rate schedule) in the metadata under {@value #COUNTERS}.
 */
public final class OptimizerState implements Checkpointable {

    /** The metadata object holding the state dict's integer scalars. */
    public static final String COUNTERS = "counters";

    private final Optimizer optimizer;

    public OptimizerState(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    @Override
    public StateSnapshot saveState() {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        ObjectNode metadata = StateSnapshot.newMetadata();
        ObjectNode counters = metadata.putObject(COUNTERS);
        for (Map.Entry<String, INDArray> e : optimizer.stateDict().entrySet()) {
            INDArray a = e.getValue();
            if (a.dataType().isIntType() && a.length() == 1) {
                counters.put(e.getKey(), a.getLong(0));
            } else {
                tensors.put(e.getKey(), a);
            }
        }
        return new StateSnapshot(tensors, metadata);
    }

    /** Hands the tensors and counters back to {@link Optimizer#loadStateDict}, which checks them. */
    @Override
    public void restoreState(StateSnapshot state) {
        Map<String, INDArray> dict = new LinkedHashMap<>(state.tensors());
        JsonNode counters = state.metadata().get(COUNTERS);
        if (counters == null || !counters.isObject()) {
            throw new IllegalArgumentException("optimizer state needs a metadata object '" + COUNTERS + "', got " + counters);
        }
        for (Map.Entry<String, JsonNode> e : counters.properties()) {
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
                throw new IllegalArgumentException("optimizer counter '" + e.getKey() + "' must be an integer, got "
                        + e.getValue());
            }
            dict.put(e.getKey(), Nd4j.scalar(DataType.INT64, e.getValue().longValue()));
        }
        optimizer.loadStateDict(dict);
    }
}
