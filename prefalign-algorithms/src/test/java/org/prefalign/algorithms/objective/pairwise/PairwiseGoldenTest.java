package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.testing.Golden;

/** Every DPO-family case of the golden file (float64 PyTorch autograd of TRL's formulas). */
class PairwiseGoldenTest {

    /** Types of the reference-free family, tested by its own package. */
    private static final Set<String> OTHER_FAMILY = Set.of("simpo", "orpo");

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        JsonNode all = Golden.objectives().get("pairwise");
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = all.get(i);
            if (!OTHER_FAMILY.contains(c.get("config").get("type").asText())) {
                String name = i + ": " + c.get("config") + (c.path("extreme").asBoolean() ? " extreme" : "");
                out.add(Arguments.of(name, c));
            }
        }
        return out.stream();
    }

    @Test
    void theGoldenFileCoversTheFamilyIncludingExtremes() {
        Set<String> types = new TreeSet<>();
        Set<String> extremeTypes = new TreeSet<>();
        for (JsonNode c : Golden.objectives().get("pairwise")) {
            String t = c.get("config").get("type").asText();
            if (!OTHER_FAMILY.contains(t)) {
                types.add(t);
                if (c.path("extreme").asBoolean()) {
                    extremeTypes.add(t);
                }
            }
        }
        assertEquals(14, types.size(), "types with golden cases: " + types);
        assertTrue(extremeTypes.containsAll(Set.of("sigmoid", "robust", "bco_pair", "nca_pair", "apo_zero", "hinge")),
                "extreme cases: " + extremeTypes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGolden(String name, JsonNode c) {
        ObjectiveResult r = Objectives.pairwise(c.get("config").toString()).compute(new PairwiseLogps(
                Golden.vector(c.get("policy_chosen")), Golden.vector(c.get("policy_rejected")),
                Golden.vector(c.get("ref_chosen")), Golden.vector(c.get("ref_rejected")),
                Golden.vector(c.get("chosen_tokens")), Golden.vector(c.get("rejected_tokens"))));
        assertClose(name + " loss", new double[] {c.get("loss").asDouble()}, new double[] {r.loss()});
        assertClose(name + " per_example", Golden.doubles(c.get("per_example")), Inputs.values(r.perExample()));
        assertClose(name + " grad_policy_chosen", Golden.doubles(c.get("grad_policy_chosen")),
                Inputs.values(r.grad("policyChosen")));
        assertClose(name + " grad_policy_rejected", Golden.doubles(c.get("grad_policy_rejected")),
                Inputs.values(r.grad("policyRejected")));
    }

    /**
     * 1e-10 relative, plus 1e-16 absolute: autograd differentiates σ as σ·(1 − σ), which is exactly
     * 0 once σ rounds to 1 (z &gt; 37), where the stable σ(z)·σ(−z) keeps e^{−z}; the golden file
     * has such zeros where the true gradient is ~1e-37 (apo_zero extreme).
     */
    static void assertClose(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-10 * Math.abs(expected[i]) + 1e-16;
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }
}
