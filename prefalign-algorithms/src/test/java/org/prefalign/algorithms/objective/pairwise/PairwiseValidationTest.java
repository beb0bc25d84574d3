package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;

/** Invalid hyper-parameters and inputs fail with messages that name the parameter and its range. */
class PairwiseValidationTest {

    private static Set<String> types() {
        Set<String> t = new TreeSet<>();
        new PairwiseCatalog().register((type, factory) -> t.add(type));
        t.remove("combined");
        return t;
    }

    /** A config of {@code type} with whatever else it needs to be valid. */
    private static String config(String type, String extra) {
        String needed = type.equals("exo_pair") ? ", \"label_smoothing\": 0.001" : "";
        return "{\"type\": \"" + type + "\"" + needed + extra + "}";
    }

    private static String configMessage(String json) {
        return message(() -> Objectives.pairwise(json), json);
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention " + p);
        }
    }

    @Test
    void betaMustBePositiveForEveryType() {
        for (String t : types()) {
            for (String beta : new String[] {"0", "-0.1"}) {
                assertMentions(configMessage(config(t, ", \"beta\": " + beta)), "'" + t + "'", "'beta'", "> 0");
            }
        }
        assertMentions(configMessage("{\"loss_type\": [\"sigmoid\", \"sft\"], \"beta\": 0}"), "'beta'", "> 0");
    }

    @Test
    void labelSmoothingMustBeAFlipRateBelowOneHalf() {
        for (String t : new String[] {"sigmoid", "robust", "aot", "aot_unpaired"}) {
            for (String eps : new String[] {"-0.1", "0.5", "0.7"}) {
                assertMentions(configMessage(config(t, ", \"label_smoothing\": " + eps)), "'label_smoothing'", "[0.0, 0.5)");
            }
        }
    }

    @Test
    void exoPairNeedsAPositiveLabelSmoothingAsTrlDoes() {
        assertMentions(configMessage("{\"type\": \"exo_pair\"}"), "'label_smoothing'", "(0.0, 1.0)", "got 0.0");
        assertMentions(configMessage("{\"type\": \"exo_pair\", \"label_smoothing\": 1.0}"), "'label_smoothing'", "(0.0, 1.0)");
    }

    @Test
    void fDivergenceTypeMustBeOneOfTrls() {
        assertMentions(configMessage("{\"type\": \"sigmoid\", \"f_divergence_type\": \"kl\"}"), "'f_divergence_type'",
                "reverse_kl, forward_kl, js_divergence, alpha_divergence", "kl");
        // the coefficient only belongs with the alpha divergence
        assertMentions(configMessage("{\"type\": \"sigmoid\", \"f_alpha_divergence_coef\": 0.3}"), "unknown parameter",
                "f_alpha_divergence_coef");
        // types that TRL computes from plain log-ratios do not take a divergence
        assertMentions(configMessage("{\"type\": \"aot\", \"f_divergence_type\": \"forward_kl\"}"), "unknown parameter",
                "f_divergence_type");
    }

    @Test
    void otherHyperParameters() {
        assertMentions(configMessage("{\"type\": \"discopop\", \"discopop_tau\": 0}"), "'discopop_tau'", "> 0");
        assertMentions(configMessage("{\"type\": \"hinge\", \"label_smoothing\": 0.1}"), "unknown parameter", "label_smoothing");
        // TRL at f2cd577 no longer has reference_free
        assertMentions(configMessage("{\"type\": \"sigmoid\", \"reference_free\": true}"), "unknown parameter", "reference_free");
    }

    @Test
    void combinedLossNeedsOneWeightPerType() {
        assertMentions(configMessage("{\"loss_type\": [\"sigmoid\", \"bco_pair\", \"sft\"], \"loss_weights\": [0.8, 0.2]}"),
                "'loss_weights'", "3 weights", "[0.8, 0.2]");
        assertMentions(configMessage("{\"loss_type\": []}"), "'loss_type'", "non-empty");
        assertMentions(configMessage("{\"loss_type\": [\"sigmoid\", \"nope\"]}"), "unknown type 'nope'");
        assertMentions(configMessage("{\"loss_type\": [\"sigmoid\", \"combined\"]}"), "'loss_type'", "'combined'");
        assertMentions(configMessage("{\"loss_type\": [\"sigmoid\", \"sft\"], \"loss_weights\": [1, \"x\"]}"),
                "'loss_weights[1]'", "a finite number");
    }

    @Test
    void everyTypeButSftNeedsTheReference() {
        PairwiseLogps free = PairwiseLogps.referenceFree(Nd4j.createFromArray(-3.0, -4.0),
                Nd4j.createFromArray(-5.0, -2.0), Nd4j.createFromArray(3.0, 4.0), Nd4j.createFromArray(5.0, 2.0));
        for (String t : types()) {
            PairwiseObjective o = Objectives.pairwise(config(t, ""));
            if (t.equals("sft")) {
                assertEquals(false, o.requiresReference());
                o.compute(free);
                continue;
            }
            assertTrue(o.requiresReference(), t);
            String m = message(() -> o.compute(free));
            assertMentions(m, "'" + t + "'", "refChosen", "refRejected", "required");
        }
        PairwiseObjective mixed = Objectives.pairwise("{\"loss_type\": [\"sft\", \"sigmoid\"]}");
        assertTrue(mixed.requiresReference());
        assertMentions(message(() -> mixed.compute(free)), "'sigmoid'",
                "refChosen");
    }

    @Test
    void lengthNormalisedTypesNeedTokenCounts() {
        PairwiseLogps noTokens = new PairwiseLogps(Nd4j.createFromArray(-3.0), Nd4j.createFromArray(-5.0),
                Nd4j.createFromArray(-3.5), Nd4j.createFromArray(-4.0), null, null);
        for (String t : new String[] {"ipo", "sigmoid_norm", "sft"}) {
            PairwiseObjective o = Objectives.pairwise(config(t, ""));
            assertMentions(message(() -> o.compute(noTokens)),
                    "'" + t + "'", "chosenTokens", "rejectedTokens", "> 0");
        }
        // the others do not
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"sigmoid\"}").compute(noTokens);
        assertTrue(Double.isFinite(r.loss()));
    }

    @Test
    void aNonFiniteScoreIsAnErrorNotANaN() {
        // forward KL's −e^{−u} overflows at u = −800
        PairwiseObjective o = Objectives.pairwise("{\"type\": \"sigmoid\", \"f_divergence_type\": \"forward_kl\"}");
        PairwiseLogps overflow = new PairwiseLogps(Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-900.0),
                Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-100.0), null, null);
        String m = assertThrows(ArithmeticException.class, () -> o.compute(overflow)).getMessage();
        assertMentions(m, "'sigmoid'", "FORWARD_KL", "not finite", "pair 0", "-800.0");
    }

    @Test
    void aStepNormalizerIsRequired() {
        PairwiseLogps in = new PairwiseLogps(Nd4j.createFromArray(-3.0), Nd4j.createFromArray(-5.0),
                Nd4j.createFromArray(-3.5), Nd4j.createFromArray(-4.0), null, null);
        assertMentions(message(() -> Objectives.pairwise("{\"type\": \"sigmoid\"}").compute(in, null)), "step");
    }
}
