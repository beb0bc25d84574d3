package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.Pairs;
import org.prefalign.algorithms.testing.Vectors;

/**
 * Gradient accumulation: two micro-batches given the whole step's normaliser sum to the one-batch
 * loss and gradients for every per-example loss; the batch-coupled ones behave as documented.
 */
class PairwiseAccumulationTest {

    static List<String> perExampleConfigs() {
        return List.of(
                "{\"type\": \"sigmoid\", \"beta\": 0.4, \"label_smoothing\": 0.1}",
                "{\"type\": \"sigmoid\", \"beta\": 0.4, \"f_divergence_type\": \"js_divergence\"}",
                "{\"type\": \"hinge\", \"beta\": 0.4}",
                "{\"type\": \"ipo\", \"beta\": 0.4}",
                "{\"type\": \"exo_pair\", \"beta\": 0.4, \"label_smoothing\": 0.05}",
                "{\"type\": \"nca_pair\", \"beta\": 0.4}",
                "{\"type\": \"robust\", \"beta\": 0.4, \"label_smoothing\": 0.2}",
                "{\"type\": \"sppo_hard\", \"beta\": 0.4}",
                "{\"type\": \"apo_zero\", \"beta\": 0.4}",
                "{\"type\": \"apo_down\", \"beta\": 0.4}",
                "{\"type\": \"discopop\", \"beta\": 0.4}",
                "{\"type\": \"sigmoid_norm\", \"beta\": 0.4}",
                "{\"type\": \"sft\"}",
                "{\"loss_type\": [\"sigmoid\", \"sft\", \"ipo\"], \"loss_weights\": [0.5, 1.0, 0.25]}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("perExampleConfigs")
    void twoMicroBatchesWithTheStepNormalizerEqualOneBatch(String config) {
        Pairs all = Pairs.random(21, 12, 1.5);
        StepNormalizer step = all.logps().normalizer();
        ObjectiveResult whole = Objectives.pairwise(config).compute(all.logps());
        ObjectiveResult first = Objectives.pairwise(config).compute(all.slice(0, 5).logps(), step);
        ObjectiveResult second = Objectives.pairwise(config).compute(all.slice(5, 12).logps(), step);
        assertEquals(whole.loss(), first.loss() + second.loss(), 1e-14, config + " loss");
        double[] split = Vectors.concat(
                Vectors.concat(Inputs.values(first.grad("policyChosen")), Inputs.values(second.grad("policyChosen"))),
                Vectors.concat(Inputs.values(first.grad("policyRejected")),
                        Inputs.values(second.grad("policyRejected"))));
        assertArrayEquals(Pairs.policyGradient(whole), split, 1e-15, config + " gradients");
        if (config.contains("sft")) {
            // the NLL is a batch-level term that a micro-batch's pairs share equally, so only the sums add up
            assertEquals(whole.perExample().sumNumber().doubleValue(),
                    first.perExample().sumNumber().doubleValue() + second.perExample().sumNumber().doubleValue(), 1e-13,
                    config + " per-example sums");
        } else {
            assertArrayEquals(Inputs.values(whole.perExample()),
                    Vectors.concat(Inputs.values(first.perExample()), Inputs.values(second.perExample())), 1e-13,
                    config + " per-example losses");
        }
    }

    @Test
    void aotSortsWithinEachMicroBatch() {
        // log-ratio noise as wide as the margins themselves, so sorting really re-pairs them
        Pairs all = Pairs.random(22, 12, 15);
        String config = "{\"type\": \"aot\", \"beta\": 0.4}";
        StepNormalizer step = all.logps().normalizer();
        Pairs micro = all.slice(0, 5);
        ObjectiveResult shared = Objectives.pairwise(config).compute(micro.logps(), step);
        ObjectiveResult alone = Objectives.pairwise(config).compute(micro.logps());
        // the same quantile losses as the micro-batch alone, scaled by its share of the step
        assertEquals(alone.loss() * 5 / 12, shared.loss(), 1e-14);
        assertArrayEquals(Inputs.values(alone.perExample()), Inputs.values(shared.perExample()), 0.0);
        // and not the one-batch loss: quantiles of 5 samples are not those of 12
        double split = shared.loss() + Objectives.pairwise(config).compute(all.slice(5, 12).logps(), step).loss();
        assertNotEquals(Objectives.pairwise(config).compute(all.logps()).loss(), split, 1e-6);
    }

    @Test
    void bcoPairMovesItsRunningMeanOncePerMicroBatch() {
        Pairs all = Pairs.random(23, 12, 1.5);
        BcoPair bco = (BcoPair) Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": 0.4}");
        StepNormalizer step = all.logps().normalizer();
        bco.compute(all.slice(0, 5).logps(), step);
        double afterFirst = bco.rewardMoments().mean();
        // the second micro-batch is shifted by the first one's mean reward
        PairwiseObjective fresh = Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": 0.4}");
        ((BcoPair) fresh).rewardMoments().restore(bco.rewardMoments().state());
        assertEquals(fresh.compute(all.slice(5, 12).logps(), step).loss(),
                bco.compute(all.slice(5, 12).logps(), step).loss(), 0.0);
        assertNotEquals(0.0, afterFirst);
        assertEquals(2.0 * 12, bco.rewardMoments().count(), 1e-9);
    }
}
