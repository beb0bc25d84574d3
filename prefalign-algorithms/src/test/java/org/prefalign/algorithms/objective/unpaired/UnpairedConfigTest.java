package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.UnpairedLogps;

/** Bad hyper-parameters and inputs fail loudly, naming the parameter and its range. */
class UnpairedConfigTest {

    @Test
    void typesAreRegisteredUnderTrlNames() {
        assertInstanceOf(Kto.class, Objectives.unpaired("{\"type\": \"kto\"}"));
        assertInstanceOf(ApoZeroUnpaired.class, Objectives.unpaired("{\"loss_type\": \"apo_zero_unpaired\"}"));
        assertInstanceOf(Bco.class, Objectives.unpaired("{\"type\": \"bco\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"kto\", \"beta\": 0}                        | objective 'kto': 'beta' must be > 0, got 0.0",
        "{\"type\": \"kto\", \"desirable_weight\": 0}            | objective 'kto': 'desirable_weight' must be > 0, got 0.0",
        "{\"type\": \"kto\", \"undesirable_weight\": -1}         | objective 'kto': 'undesirable_weight' must be > 0, got -1.0",
        "{\"type\": \"apo_zero_unpaired\", \"beta\": -2}         | objective 'apo_zero_unpaired': 'beta' must be > 0, got -2.0",
        "{\"type\": \"bco\", \"beta\": 0}                        | objective 'bco': 'beta' must be > 0, got 0.0",
    })
    void outOfRangeHyperParametersNameTheParameterAndRange(String json, String message) {
        assertEquals(message, message(() -> Objectives.unpaired(json)));
    }

    @Test
    void unknownAndUnsupportedParametersAreRejected() {
        String m = message(() -> Objectives.unpaired("{\"type\": \"kto\", \"desirable_wieght\": 2}"));
        assertTrue(m.contains("unknown parameter") && m.contains("desirable_wieght"), m);
        m = message(() -> Objectives.unpaired("{\"type\": \"bco\", \"max_density_ratio\": 10}"));
        assertTrue(m.contains("max_density_ratio") && m.contains("not supported"), m);
        m = message(() -> Objectives.unpaired("{\"type\": \"bco\", \"desirable_weight\": 1}"));
        assertTrue(m.contains("unknown parameter") && m.contains("desirable_weight"), m);
    }

    @Test
    void badInputsAreRejectedByName() {
        boolean[] two = {true, false};
        String m = message(() -> UnpairedLogps.withoutKl(
                Nd4j.createFromArray(-1.0, Double.NaN), Nd4j.createFromArray(-1.0, -2.0), two));
        assertTrue(m.contains("policy") && m.contains("finite"), m);
        m = message(() -> UnpairedLogps.withoutKl(
                Nd4j.createFromArray(-1.0, -2.0), Nd4j.createFromArray(-1.0, Double.NEGATIVE_INFINITY), two));
        assertTrue(m.contains("ref") && m.contains("finite"), m);
        m = message(() -> UnpairedLogps.withoutKl(
                Nd4j.createFromArray(-1.0, -2.0), Nd4j.createFromArray(-1.0, -2.0), new boolean[] {true}));
        assertTrue(m.contains("desirable"), m);
        m = message(() -> new UnpairedLogps(Nd4j.createFromArray(-1.0, -2.0),
                Nd4j.createFromArray(-1.0, -2.0), two, Nd4j.createFromArray(-3.0), null));
        assertTrue(m.contains("policyKl") && m.contains("refKl"), m);
        m = message(() -> new UnpairedLogps(Nd4j.createFromArray(-1.0, -2.0),
                Nd4j.createFromArray(-1.0, -2.0), two, Nd4j.createFromArray(-3.0, Double.NaN),
                Nd4j.createFromArray(-3.0, -1.0)));
        assertTrue(m.contains("policyKl") && m.contains("finite"), m);
        m = message(() -> UnpairedLogps.withoutKl(
                Nd4j.createFromArray(new double[0]), Nd4j.createFromArray(new double[0]), new boolean[0]));
        assertTrue(m.contains("policy"), m);
    }
}
