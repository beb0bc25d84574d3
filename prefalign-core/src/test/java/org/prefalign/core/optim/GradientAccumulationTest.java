package org.prefalign.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.RopeScaling;
import org.prefalign.core.model.TokenBatch;

/** Two micro-batches of two sequences give the same update as one batch of four. */
class GradientAccumulationTest {

    private static final DecoderConfig CONFIG = new DecoderConfig(8, 1, 2, 1, 4, 12, 11, 1e-5, 10000,
            RopePairing.ADJACENT, new RopeScaling.None(), false, false, false, 32);

    private static final int[][] TOKENS = {{1, 4, 5, 9, 2}, {1, 3, 3, 7, 8}, {1, 10, 6, 2, 2}, {1, 5, 4, 3, 9}};

    /** Mean negative log-likelihood per sequence over the step: d loss / d logp = −1 / (4 sequences). */
    private static void backward(LlamaModel model, int from, int to) {
        int[][] rows = java.util.Arrays.copyOfRange(TOKENS, from, to);
        TokenBatch batch = TokenBatch.of(rows);
        try (ForwardPass pass = ForwardPass.training(model, batch)) {
            Tensor lp = pass.tokenLogProbs(batch.nextTokenTargets());
            pass.backward(lp, Nd4j.valueArrayOf(lp.shape(), -1.0 / TOKENS.length, DataType.DOUBLE));
        }
    }

    @Test
    void accumulatedMicroBatchesEqualOneBigBatch() {
        LlamaModel big = LlamaModel.random(CONFIG, 3, DataType.DOUBLE);
        LlamaModel small = LlamaModel.random(CONFIG, 3, DataType.DOUBLE);
        LearningRateSchedule schedule = LearningRateSchedule.warmupLinear(1e-2, 1, 10);
        GradientAccumulation once = new GradientAccumulation(
                new AdamW(big.parameters(), AdamW.Config.torchDefaults(), AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS), schedule, 1, 0.5);
        GradientAccumulation twice = new GradientAccumulation(
                new AdamW(small.parameters(), AdamW.Config.torchDefaults(), AdamW.DECAY_ALL_BUT_BIASES_AND_NORMS), schedule, 2, 0.5);
        for (int step = 0; step < 3; step++) {
            backward(big, 0, 4);
            Optional<GradientAccumulation.Step> a = once.microBatchDone();
            backward(small, 0, 2);
            assertTrue(twice.microBatchDone().isEmpty());
            assertEquals(1, twice.pending());
            backward(small, 2, 4);
            Optional<GradientAccumulation.Step> b = twice.microBatchDone();
            assertEquals(a.orElseThrow().gradientNorm(), b.orElseThrow().gradientNorm(), 1e-12);
            assertEquals(a.get().learningRate(), b.get().learningRate(), 0);
            assertEquals(step, b.get().step());
        }
        for (String name : big.parameters().keySet()) {
            INDArray diff = big.parameters().get(name).value().sub(small.parameters().get(name).value());
            assertEquals(0.0, diff.amaxNumber().doubleValue(), 1e-12, name);
            assertEquals(0.0, small.parameters().get(name).grad().amaxNumber().doubleValue(), 0.0, "gradients zeroed");
        }
        INDArray moved = big.parameters().get("blk.0.attn_q.weight").value()
                .sub(LlamaModel.random(CONFIG, 3, DataType.DOUBLE).parameters().get("blk.0.attn_q.weight").value());
        assertTrue(moved.amaxNumber().doubleValue() > 1e-4, "the steps changed the weights");
    }
}
