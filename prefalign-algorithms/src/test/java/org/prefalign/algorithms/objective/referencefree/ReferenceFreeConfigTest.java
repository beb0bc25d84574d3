package org.prefalign.algorithms.objective.referencefree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.PairwiseLogps;

/** Bad hyper-parameters and inputs fail loudly, naming the parameter and its range. */
class ReferenceFreeConfigTest {

    @Test
    void typesAreRegisteredUnderTrlNames() {
        assertInstanceOf(SimPo.class, Pairs.objective("{\"type\": \"simpo\"}"));
        assertInstanceOf(Cpo.class, Pairs.objective("{\"loss_type\": \"cpo\"}"));
        assertInstanceOf(Orpo.class, Pairs.objective("{\"type\": \"orpo\"}"));
        assertEquals("simpo", Pairs.objective("{\"type\": \"simpo\"}").type());
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
    void outOfRangeHyperParametersNameTheParameterAndRange(String json, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Pairs.objective(json)).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"orpo\", \"label_smoothing\": 0.1} | label_smoothing",
        "{\"type\": \"orpo\", \"cpo_alpha\": 1}         | cpo_alpha",
        "{\"type\": \"simpo\", \"gamma\": 1}            | gamma",
        "{\"type\": \"cpo\", \"simpo_gamma\": 0.5}      | simpo_gamma",
    })
    void parametersAnObjectiveDoesNotUseAreRejected(String json, String name) {
        String m = assertThrows(IllegalArgumentException.class, () -> Pairs.objective(json)).getMessage();
        assertTrue(m.contains("unknown parameter") && m.contains(name), m);
    }

    @Test
    void badInputsAreRejectedByName() {
        String nan = assertThrows(IllegalArgumentException.class, () -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(-1.0, Double.NaN), Nd4j.createFromArray(-1.0, -2.0),
                Nd4j.createFromArray(1.0, 1.0), Nd4j.createFromArray(1.0, 1.0))).getMessage();
        assertTrue(nan.contains("policyChosen") && nan.contains("finite"), nan);
        String empty = assertThrows(IllegalArgumentException.class, () -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(new double[0]), Nd4j.createFromArray(new double[0]), null, null)).getMessage();
        // ND4J gives an empty array shape [], which Inputs reports as not a vector [B]
        assertTrue(empty.contains("policyChosen") && (empty.contains("empty") || empty.contains("shape []")), empty);
        String tokens = assertThrows(IllegalArgumentException.class, () -> PairwiseLogps.referenceFree(
                Nd4j.createFromArray(-1.0), Nd4j.createFromArray(-1.0),
                Nd4j.createFromArray(0.0), Nd4j.createFromArray(1.0))).getMessage();
        assertTrue(tokens.contains("chosenTokens[0]"), tokens);
    }
}
