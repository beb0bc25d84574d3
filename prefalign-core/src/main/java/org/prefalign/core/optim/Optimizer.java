package org.prefalign.core.optim;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Tensor;

/** Updates parameters from their accumulated gradients. */
public interface Optimizer {

    /** The parameters it updates, by name. */
    Map<String, Tensor> parameters();

    /** One update at learning rate {@code lr} from the current gradients (which it leaves in place). */
    void step(double lr);

    /** Updates taken so far. */
    long steps();

    /**
     * Everything needed to resume: tensors named {@code <parameter>.<slot>} plus {@code step},
     * copies (a flat map that safetensors can store).
     */
    Map<String, INDArray> stateDict();

    /** Restores a {@link #stateDict()}; every slot of every parameter must be present with its shape. */
    void loadStateDict(Map<String, INDArray> state);

    /** Zeroes the gradients of all parameters (after a step, before the next accumulation). */
    default void zeroGrad() {
        for (Tensor p : parameters().values()) {
            p.zeroGrad();
        }
    }
}
