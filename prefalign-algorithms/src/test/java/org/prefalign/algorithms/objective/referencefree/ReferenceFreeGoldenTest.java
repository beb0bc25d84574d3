package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertRelative;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.testing.Golden;

/** Every {@code simpo} and {@code orpo} case of the golden file (float64 PyTorch autograd of TRL's formulas). */
class ReferenceFreeGoldenTest {

    static List<JsonNode> cases() {
        return Golden.cases("pairwise").stream()
                .filter(c -> Set.of("simpo", "orpo").contains(c.get("config").get("type").asText())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGolden(JsonNode c) {
        // reference log-probs are in the file for the DPO family; a reference-free loss must ignore them
        PairwiseLogps in = new PairwiseLogps(Golden.vector(c.get("policy_chosen")), Golden.vector(c.get("policy_rejected")),
                Golden.vector(c.get("ref_chosen")), Golden.vector(c.get("ref_rejected")),
                Golden.vector(c.get("chosen_tokens")), Golden.vector(c.get("rejected_tokens")));
        ObjectiveResult r = Objectives.pairwise(c.get("config").toString()).compute(in);
        String what = c.get("config").toString();
        assertEquals(c.get("loss").asDouble(), r.loss(), 1e-10 * Math.max(1, Math.abs(c.get("loss").asDouble())), what);
        assertRelative(what + " per_example", Golden.doubles(c.get("per_example")), r.perExample().toDoubleVector(),
                1e-10);
        assertRelative(what + " grad_policy_chosen", Golden.doubles(c.get("grad_policy_chosen")),
                r.grad("policyChosen").toDoubleVector(), 1e-10);
        assertRelative(what + " grad_policy_rejected", Golden.doubles(c.get("grad_policy_rejected")),
                r.grad("policyRejected").toDoubleVector(), 1e-10);
    }

    @org.junit.jupiter.api.Test
    void theFileHasTheExpectedCases() {
        long simpo = cases().stream().filter(c -> c.get("config").get("type").asText().equals("simpo")).count();
        assertEquals(2, simpo, "simpo cases, one of them extreme");
        assertTrue(cases().stream().anyMatch(c -> c.has("extreme") && c.get("extreme").asBoolean()));
        assertEquals(1, cases().size() - simpo, "orpo cases");
    }
}
