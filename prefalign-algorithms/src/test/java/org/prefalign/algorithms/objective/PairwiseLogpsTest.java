package org.prefalign.algorithms.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PairwiseLogpsTest {

    private static INDArray v(double... x) {
        return Nd4j.createFromArray(x);
    }

    @Test
    void aValidBatchReportsItsSizeAndNormalizer() {
        PairwiseLogps in = new PairwiseLogps(v(-1, -2), v(-3, -4), v(-1, -1), v(-2, -2), v(3, 5), v(2, 2));
        assertEquals(2, in.batchSize());
        assertTrue(in.hasReference());
        assertEquals(new StepNormalizer(2, 8), in.normalizer());
    }

    @Test
    void badInputsNameTheInput() {
        assertEquals("policyChosen is required, got null", message(() -> new PairwiseLogps(null, v(1), null, null, null, null)));
        assertEquals("policyRejected has 1 values but the batch has 2",
                message(() -> new PairwiseLogps(v(-1, -2), v(-3), null, null, null, null)));
        assertTrue(message(() -> new PairwiseLogps(v(-1, Double.NaN), v(-3, -1), null, null, null, null))
                .startsWith("policyChosen must be finite, got NaN at flat index 1"));
        assertTrue(message(() -> new PairwiseLogps(Nd4j.create(0), Nd4j.create(0), null, null, null, null)).contains("empty"));
        for (long[] emptyShape : new long[][] {{0}, {0, 1}, {1, 0}, {0, 3}, {2, 0, 3}}) {
            assertEquals("policyChosen is empty: a batch needs at least one example",
                    message(() -> new PairwiseLogps(Nd4j.create(emptyShape), v(-1), null, null, null, null)));
        }
        assertTrue(message(() -> new PairwiseLogps(v(-1), v(-2), v(-1), null, null, null)).contains("refChosen and refRejected"));
        assertTrue(message(() -> new PairwiseLogps(v(-1), v(-2), null, null, v(0), v(1))).startsWith("chosenTokens[0] must be a token count > 0"));
        assertTrue(message(() -> new PairwiseLogps(Nd4j.create(2, 2), v(-2, -1), null, null, null, null)).contains("must be a vector [B]"));
    }
}
