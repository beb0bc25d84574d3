package org.prefalign.core.checkpoint;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.model.Trainable;

/**
 * The parameter values of a {@link Trainable} (a decoder, a head) as checkpoint state: one tensor
 * per parameter, under the parameter's name. Restoring writes into the existing parameter arrays,
 * so an optimizer holding them keeps working. Gradients are not state: a checkpoint is taken
 * between optimizer steps, when they are zero.
 */
public final class ParameterState implements Checkpointable {

    private final Trainable model;

    public ParameterState(Trainable model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The parameter arrays themselves (not copies). */
    @Override
    public StateSnapshot saveState() {
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            values.put(e.getKey(), e.getValue().value());
        }
        return StateSnapshot.of(values);
    }

    @Override
    public void restoreState(StateSnapshot state) {
        Map<String, Tensor> params = model.parameters();
        state.requireTensorNames(params.keySet());
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray saved = state.tensor(e.getKey(), e.getValue().shape());
            if (saved.dataType() != e.getValue().dataType()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + saved.dataType() + ", the parameter "
                        + e.getValue().dataType() + Arrays.toString(e.getValue().shape()));
            }
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            e.getValue().value().assign(state.tensors().get(e.getKey()));
        }
    }
}
