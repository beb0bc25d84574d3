package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.objective.listwise.Lists.row;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ListwiseLogps;
import org.prefalign.algorithms.objective.Objectives;

/** Bad inputs and hyper-parameters fail with messages that name them. */
class ListwiseValidationTest {

    private static final double[][] P = {{-1, -2, -3}, {-4, -5, -6}};
    private static final double[][] S = {{1, 0, 2}, {0, 1, 2}};

    @Test
    void configsAreBuiltWithTheirDefaults() {
        assertEquals(0.1, ((PlackettLuceDpo) Objectives.listwise("{\"type\": \"listmle\"}")).beta());
        assertEquals(0.05, ((LipoLambda) Objectives.listwise("{\"type\": \"lipo\"}")).beta());
        Pro pro = (Pro) Objectives.listwise("{\"type\": \"pro\"}");
        assertEquals(0.05, pro.sftWeight());
        assertTrue(pro.rewardTemperature());
        assertEquals(1.0, ((Rrhf) Objectives.listwise("{\"type\": \"rrhf\"}")).sftWeight());
        assertTrue(pro.requiresTokens() && !pro.requiresReference());
    }

    @Test
    void badHyperParametersNameTheParameter() {
        assertEquals("objective 'listmle': 'beta' must be > 0, got 0.0", message(() -> Objectives.listwise("{\"type\": \"listmle\", \"beta\": 0}")));
        assertEquals("objective 'lipo': 'beta' must be > 0, got -0.5", message(() -> Objectives.listwise("{\"type\": \"lipo\", \"beta\": -0.5}")));
        assertEquals("objective 'pro': 'sft_weight' must be >= 0, got -1.0",
                message(() -> Objectives.listwise("{\"type\": \"pro\", \"sft_weight\": -1}")));
        assertTrue(message(() -> Objectives.listwise("{\"type\": \"pro\", \"reward_temperature\": 1}"))
                .contains("'reward_temperature' must be true or false"));
        assertTrue(message(() -> Objectives.listwise("{\"type\": \"rrhf\", \"rrhf_weight\": 1}")).contains("unknown parameter"));
        assertEquals("objective 'listmle': 'beta' must be a finite number > 0, got NaN", message(() -> new PlackettLuceDpo(Double.NaN)));
        assertEquals("objective 'rrhf': 'sft_weight' must be a finite number >= 0, got -2.0", message(() -> new Rrhf(-2)));
        assertTrue(message(() -> Objectives.pairwise("{\"type\": \"rrhf\"}")).contains("not a PairwiseObjective"));
    }

    @Test
    void missingInputsNameTheInputAndTheObjective() {
        ListwiseLogps noRef = Lists.of(P, null, S, null, null);
        assertEquals("objective 'listmle' needs reference log-probs: ListwiseLogps.ref is null",
                message(() -> new PlackettLuceDpo(0.1).compute(noRef)));
        assertTrue(message(() -> new LipoLambda(0.1).compute(noRef)).startsWith("objective 'lipo' needs reference"));
        assertTrue(message(() -> new Pro(0.05, true).compute(noRef)).contains("ListwiseLogps.tokens is null"));
        assertTrue(message(() -> new Rrhf(1).compute(noRef)).startsWith("objective 'rrhf' length-normalises"));
        assertTrue(message(() -> new Rrhf(1).compute(noRef, null)).contains("step=null"));
    }

    @Test
    void badListsNameTheListAndEntry() {
        assertEquals("list 1 has 1 present completion (mask); a listwise objective needs at least 2 per list",
                message(() -> Lists.of(P, null, S, null, new double[][] {{1, 1, 0}, {0, 1, 0}})));
        assertEquals("list 0 has 0 present completions (mask); a listwise objective needs at least 2 per list",
                message(() -> Lists.of(P, null, S, null, new double[][] {{0, 0, 0}, {1, 1, 1}})));
        assertTrue(message(() -> Lists.of(row(-1), null, row(0), null, null)).startsWith("list 0 has 1 present completion"));
        assertEquals("mask[0][2] must be 0 (padding) or 1 (present), got 0.5",
                message(() -> Lists.of(P, null, S, null, new double[][] {{1, 1, 0.5}, {1, 1, 1}})));
        assertEquals("tokens[1][0] must be a token count > 0 for a present completion, got 0.0",
                message(() -> Lists.of(P, null, S, new double[][] {{1, 2, 3}, {0, 2, 3}}, null)));
        // a padded completion may have 0 tokens
        Lists.of(P, null, S, new double[][] {{1, 2, 3}, {0, 2, 3}}, new double[][] {{1, 1, 1}, {0, 1, 1}});
        assertTrue(message(() -> Lists.of(P, null, new double[][] {{1, Double.NaN, 0}, {0, 1, 2}}, null, null))
                .startsWith("scores must be finite, got NaN at flat index 1"));
        assertEquals("ref has shape [2, 2] but policy has [2, 3]",
                message(() -> Lists.of(P, new double[][] {{1, 2}, {3, 4}}, S, null, null)));
        assertTrue(message(() -> new ListwiseLogps(Nd4j.createFromArray(1.0, 2.0), null, Nd4j.createFromArray(1.0, 2.0), null, null))
                .startsWith("policy must be a non-empty matrix [B, K]"));
        assertEquals("scores is required, got null", message(() -> Lists.of(P, null, null, null, null)));
    }
}
