package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertClose;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.FiniteDifference;
import org.prefalign.algorithms.testing.Pairs;

/** What every reference-free objective owes the contract: exact gradients, exact accumulation, float32. */
class ReferenceFreeContractTest {

    static List<String> configs() {
        return List.of(
                "{\"type\": \"simpo\"}",
                "{\"type\": \"simpo\", \"beta\": 2.5, \"simpo_gamma\": 1.2, \"label_smoothing\": 0.15}",
                "{\"type\": \"simpo\", \"beta\": 2.0, \"cpo_alpha\": 0.7}",
                "{\"type\": \"cpo\"}",
                "{\"type\": \"cpo\", \"beta\": 0.05, \"cpo_alpha\": 0.0, \"label_smoothing\": 0.2}",
                "{\"type\": \"cpo\", \"beta\": 0.3, \"cpo_alpha\": 2.0}",
                "{\"type\": \"orpo\"}",
                "{\"type\": \"orpo\", \"beta\": 1.5}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(String json) {
        PairwiseObjective o = Objectives.pairwise(json);
        for (long seed = 1; seed <= 3; seed++) {
            Pairs p = Pairs.randomReferenceFree(seed, 9);
            ObjectiveResult r = o.compute(p.logps());
            FiniteDifference.check(json + " seed " + seed, x -> o.compute(p.withPolicy(x).logps()).loss(), p.policy(),
                    Pairs.policyGradient(r), 1e-9);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void lossIsTheSumOfPerExampleOverTheStep(String json) {
        Pairs p = Pairs.randomReferenceFree(4, 7);
        StepNormalizer step = new StepNormalizer(20, 3 * p.chosenTokenSum());
        ObjectiveResult r = Objectives.pairwise(json).compute(p.logps(), step);
        assertEquals(r.perExample().sumNumber().doubleValue() / 20, r.loss(), 1e-12 * Math.abs(r.loss()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void twoMicroBatchesWithTheStepNormalizerEqualOneBatch(String json) {
        PairwiseObjective o = Objectives.pairwise(json);
        Pairs p = Pairs.randomReferenceFree(5, 12);
        ObjectiveResult whole = o.compute(p.logps());
        StepNormalizer step = p.logps().normalizer();
        Pairs a = p.slice(0, 5);
        Pairs b = p.slice(5, 12);
        ObjectiveResult ra = o.compute(a.logps(), step);
        ObjectiveResult rb = o.compute(b.logps(), step);
        assertEquals(whole.loss(), ra.loss() + rb.loss(), 1e-13 * Math.abs(whole.loss()));
        assertClose(json + " gradients", Pairs.policyGradient(whole),
                mergeGrads(Pairs.policyGradient(ra), Pairs.policyGradient(rb), 5, 7), 1e-13);
    }

    /** Micro-batch gradients [chosen_a, rejected_a], [chosen_b, rejected_b] as [chosen_a, chosen_b, rejected_a, rejected_b]. */
    private static double[] mergeGrads(double[] ga, double[] gb, int na, int nb) {
        double[] out = new double[2 * (na + nb)];
        System.arraycopy(ga, 0, out, 0, na);
        System.arraycopy(gb, 0, out, na, nb);
        System.arraycopy(ga, na, out, na + nb, na);
        System.arraycopy(gb, nb, out, 2 * na + nb, nb);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void float32InputsGiveFloat32GradientsCloseToDouble(String json) {
        PairwiseObjective o = Objectives.pairwise(json);
        Pairs p = Pairs.randomReferenceFree(6, 10);
        ObjectiveResult d = o.compute(p.logps());
        ObjectiveResult f = o.compute(p.logps(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.grad("policyChosen").dataType());
        assertEquals(DataType.FLOAT, f.grad("policyRejected").dataType());
        assertEquals(d.loss(), f.loss(), 1e-5 * Math.max(1, Math.abs(d.loss())));
        assertClose(json + " float32 gradients", Pairs.policyGradient(d), Pairs.policyGradient(f), 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void isReferenceFreeAndLogsTrlMetrics(String json) {
        PairwiseObjective o = Objectives.pairwise(json);
        assertFalse(o.requiresReference());
        ObjectiveResult r = o.compute(Pairs.randomReferenceFree(7, 4).logps());
        for (String m : List.of("rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                "logps/chosen", "logps/rejected")) {
            assertEquals(true, r.metrics().containsKey(m), json + " logs " + m);
        }
        assertEquals(r.metrics().get("rewards/chosen") - r.metrics().get("rewards/rejected"),
                r.metrics().get("rewards/margins"), 1e-12);
    }
}
