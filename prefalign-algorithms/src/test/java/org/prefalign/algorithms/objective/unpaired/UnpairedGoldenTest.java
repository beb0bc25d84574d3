package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertRelative;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.algorithms.testing.Golden;

/** Every {@code kto[]} case of the golden file (float64 PyTorch autograd of TRL's KTO loss). */
class UnpairedGoldenTest {

    static List<JsonNode> cases() {
        return Golden.cases("kto");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGolden(JsonNode c) {
        JsonNode flags = c.get("desirable");
        boolean[] desirable = new boolean[flags.size()];
        for (int i = 0; i < desirable.length; i++) {
            desirable[i] = flags.get(i).asBoolean();
        }
        UnpairedLogps in = new UnpairedLogps(Golden.vector(c.get("policy")), Golden.vector(c.get("ref")), desirable,
                Golden.vector(c.get("policy_kl")), Golden.vector(c.get("ref_kl")));
        ObjectiveResult r = Objectives.unpaired(c.get("config").toString()).compute(in);
        String what = c.get("config").toString();
        assertEquals(c.get("kl").asDouble(), r.metrics().get("kl"), 1e-12, what + " kl");
        assertEquals(c.get("loss").asDouble(), r.loss(), 1e-10 * Math.abs(c.get("loss").asDouble()), what + " loss");
        assertRelative(what + " per_example", Golden.doubles(c.get("per_example")), r.perExample().toDoubleVector(),
                1e-10);
        assertRelative(what + " grad_policy", Golden.doubles(c.get("grad_policy")), r.grad("policy").toDoubleVector(),
                1e-10);
        assertEquals(2, cases().size());
    }
}
