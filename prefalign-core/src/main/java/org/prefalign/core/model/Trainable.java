package org.prefalign.core.model;

import java.util.Map;
import org.prefalign.core.autodiff.Tensor;

/** Something with named trainable parameters: a decoder, a head. */
public interface Trainable {

    /**
     * The parameters by name, in a stable order. Each {@link Tensor} holds the value and the
     * gradient accumulated by backward passes since the last {@link #zeroGrad()}.
     */
    Map<String, Tensor> parameters();

    /** Zeroes every accumulated gradient (call after each optimizer step). */
    default void zeroGrad() {
        for (Tensor p : parameters().values()) {
            p.zeroGrad();
        }
    }

    /** The number of scalar parameters. */
    default long parameterCount() {
        long n = 0;
        for (Tensor p : parameters().values()) {
            n += p.value().length();
        }
        return n;
    }
}
