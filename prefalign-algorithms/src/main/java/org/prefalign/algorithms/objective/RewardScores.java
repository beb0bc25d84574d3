package org.prefalign.algorithms.objective;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs of a reward-model objective: the model's scalar scores of each pair's completions.
 *
 * @param chosen   r(x, y_w), [B]
 * @param rejected r(x, y_l), [B]
 * @param margin   a per-pair margin that r_w − r_l should exceed (as in Llama 2's reward model), or
 *                 {@code null}; a constant of the data, it gets no gradient
 * @throws IllegalArgumentException naming the input when a length disagrees, the batch is empty or
 *                                  a value is NaN or infinite
 */
public record RewardScores(INDArray chosen, INDArray rejected, INDArray margin) {

    public RewardScores {
        long b = Inputs.batchOf(chosen, "chosen");
        Inputs.requireBatch(rejected, "rejected", b);
        if (margin != null) {
            Inputs.requireBatch(margin, "margin", b);
        }
    }

    /** Scores without margins. */
    public static RewardScores of(INDArray chosen, INDArray rejected) {
        return new RewardScores(chosen, rejected, null);
    }

    /** The number of pairs B. */
    public int batchSize() {
        return (int) chosen.length();
    }

    /** This batch alone as the optimizer step. */
    public StepNormalizer normalizer() {
        return new StepNormalizer(batchSize(), batchSize());
    }
}
