package org.prefalign.algorithms.advantage;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an advantage estimator returns.
 *
 * @param advantages one advantage per completion [B] (outcome estimators) or per token [B, T]
 *                   (0 at padding); either shape is accepted by
 *                   {@link org.prefalign.algorithms.objective.TokenLogps}
 * @param returns    the per-token return targets [B, T] (0 at padding) for estimators that
 *                   define them (GAE: the value head's regression targets), else {@code null}
 */
public record Advantages(INDArray advantages, INDArray returns) {

    public Advantages {
        if (advantages == null) {
            throw new IllegalArgumentException("advantages is required");
        }
    }
}
