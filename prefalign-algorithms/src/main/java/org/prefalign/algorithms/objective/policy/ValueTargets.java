package org.prefalign.algorithms.objective.policy;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * The inputs of PPO's value loss: the value head's predictions and their regression targets.
 *
 * @param values    V_φ(s_t) predicted now for every completion token, [B, T]
 * @param oldValues V_φ_old(s_t) from the rollout, [B, T], the centre of the value clip; {@code null}
 *                  on the first update (old = stopgrad(values): the clip never binds)
 * @param returns   the targets R_t (GAE's advantages + old values), [B, T]
 * @param mask      1 for completion tokens, 0 for padding, [B, T]; at least one 1
 * @throws IllegalArgumentException naming the input when a shape disagrees, a value is NaN or
 *                                  infinite, or the mask is not a non-empty 0/1 mask
 */
public record ValueTargets(INDArray values, INDArray oldValues, INDArray returns, INDArray mask) {

    public ValueTargets {
        if (values == null || values.rank() != 2 || values.length() == 0) {
            throw new IllegalArgumentException("values must be a non-empty matrix [B, T], got "
                    + (values == null ? "null" : Arrays.toString(values.shape())));
        }
        Inputs.requireFinite(values, "values");
        if (oldValues != null) {
            requireShape(oldValues, "oldValues", values);
        }
        if (returns == null) {
            throw new IllegalArgumentException("returns is required, [B, T]");
        }
        requireShape(returns, "returns", values);
        if (mask == null) {
            throw new IllegalArgumentException("mask is required: 1 for completion tokens, 0 elsewhere");
        }
        requireShape(mask, "mask", values);
        TokenLogps.requireMask(mask, "mask");
    }

    private static void requireShape(INDArray a, String name, INDArray values) {
        if (!Arrays.equals(a.shape(), values.shape())) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + " but values has "
                    + Arrays.toString(values.shape()));
        }
        Inputs.requireFinite(a, name);
    }

    /** The number of sequences B. */
    public int batchSize() {
        return (int) values.size(0);
    }

    /** This batch alone as the optimizer step: its sequences and its masked token count. */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), mask.sumNumber().doubleValue());
    }
}
