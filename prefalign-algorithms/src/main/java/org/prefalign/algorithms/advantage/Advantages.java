package org.prefalign.algorithms.advantage;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    /** One advantage per completion, [B], without returns. */
    static Advantages perCompletion(double[] advantages) {
        return new Advantages(Nd4j.createFromArray(advantages), null);
    }

    /** Per-token advantages and returns, both [B, T]. */
    static Advantages perToken(double[][] advantages, double[][] returns) {
        return new Advantages(Nd4j.createFromArray(advantages), Nd4j.createFromArray(returns));
    }
}
