package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;

/** Bad hyper-parameters and inputs fail loudly, naming the parameter and its range. */
class ReferenceFreeConfigTest {

    @Test
    void typesAreRegisteredUnderTrlNames() {
        assertInstanceOf(SimPo.class, Objectives.pairwise("{\"type\": \"simpo\"}"));
        assertInstanceOf(Cpo.class, Objectives.pairwise("{\"loss_type\": \"cpo\"}"));
        assertInstanceOf(Orpo.class, Objectives.pairwise("{\"type\": \"orpo\"}"));
        assertEquals("simpo", Objectives.pairwise("{\"type\": \"simpo\"}").type());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"simpo\", \"beta\": 0}                 | objective 'simpo': 'beta' must be > 0, got 0.0",
        "{\"type\": \"cpo\", \"beta\": -0.1}                | objective 'cpo': 'beta' must be > 0, got -0.1",
        "{\"type\": \"orpo\", \"beta\": 0}                  | objective 'orpo': 'beta' must be > 0, got 0.0",
        "{\"type\": \"simpo\", \"simpo_gamma\": -1}         | objective 'simpo': 'simpo_gamma' must be >= 0, got -1.0",
        "{\"type\": \"simpo\", \"label_smoothing\": 0.5}    | objective 'simpo': 'label_smoothing' must be in [0.0, 0.5), got 0.5",
        "{\"type\": \"cpo\", \"label_smoothing\": -0.1}     | objective 'cpo': 'label_smoothing' must be in [0.0, 0.5), got -0.1",
        "{\"type\": \"cpo\", \"cpo_alpha\": -1}             | objective 'cpo': 'cpo_alpha' must be >= 0, got -1.0",
        "{\"type\": \"simpo\", \"beta\": \"big\"}           | objective 'simpo': 'beta' must be a finite number, got \"big\"",
    })
    void outOfRangeHyperParametersNameTheParameterAndRange(String json, String expected) {
        assertEquals(expected, message(() -> Objectives.pairwise(json)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"orpo\", \"label_smoothing\": 0.1} | label_smoothing",
        "{\"type\": \"orpo\", \"cpo_alpha\": 1}         | cpo_alpha",
        "{\"type\": \"simpo\", \"gamma\": 1}            | gamma",
        "{\"type\": \"cpo\", \"simpo_gamma\": 0.5}      | simpo_gamma",
    })
    void parametersAnObjectiveDoesNotUseAreRejected(String json, String name) {
        String m = message(() -> Objectives.pairwise(json));
        assertTrue(m.contains("unknown parameter") && m.contains(name), m);
    }

    @Test
    void badInputsAreRejectedByName() {
        String nan = message(() -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(-1.0, Double.NaN), Nd4j.createFromArray(-1.0, -2.0),
                Nd4j.createFromArray(1.0, 1.0), Nd4j.createFromArray(1.0, 1.0)));
        assertTrue(nan.contains("policyChosen") && nan.contains("finite"), nan);
        String empty = message(() -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(new double[0]), Nd4j.createFromArray(new double[0]), null, null));
        assertEquals("policyChosen is empty: a batch needs at least one example", empty);
        String tokens = message(() -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-1.0),
                Nd4j.createFromArray(0.0), Nd4j.createFromArray(1.0)));
        assertTrue(tokens.contains("chosenTokens[0]"), tokens);
    }
}
