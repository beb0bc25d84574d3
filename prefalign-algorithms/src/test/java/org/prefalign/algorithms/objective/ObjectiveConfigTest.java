package org.prefalign.algorithms.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.Thrown.message;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectiveConfigTest {

    @Test
    void readsTypedParametersWithDefaults() {
        ObjectiveConfig c = ObjectiveConfig.parse("{\"type\": \"sigmoid\", \"beta\": 0.5, \"n\": 3, \"flag\": true}", "objective");
        assertEquals("sigmoid", c.type());
        assertEquals(0.5, c.positive("beta", 0.1));
        assertEquals(0.0, c.range("label_smoothing", 0.0, 0.0, false, 0.5, true));
        assertEquals(3, c.integer("n", 1, 1));
        assertTrue(c.bool("flag", false));
        c.requireAllRead();
    }

    @Test
    void trlLossTypeKeyAndListTypesAreAccepted() {
        ObjectiveConfig c = ObjectiveConfig.parse("{\"loss_type\": [\"sigmoid\", \"sft\"], \"loss_weights\": [1, 0.5]}", "objective");
        assertEquals(ObjectiveConfig.COMBINED, c.type());
        assertEquals(List.of("sigmoid", "sft"), c.types());
        assertArrayEquals(new double[] {1, 0.5}, c.reals("loss_weights"));
        assertEquals("sft", c.withType("sft").type());
    }

    @Test
    void outOfRangeValuesNameTheParameterTheRangeAndTheValue() {
        ObjectiveConfig c = ObjectiveConfig.parse("{\"type\": \"sigmoid\", \"beta\": -1, \"label_smoothing\": 0.7}", "objective");
        assertEquals("objective 'sigmoid': 'beta' must be > 0, got -1.0", message(() -> c.positive("beta", 0.1)));
        assertEquals("objective 'sigmoid': 'label_smoothing' must be in [0.0, 0.5), got 0.7",
                message(() -> c.range("label_smoothing", 0, 0, false, 0.5, true)));
    }

    @Test
    void wrongTypesAreRejected() {
        ObjectiveConfig c = ObjectiveConfig.parse("{\"type\": \"t\", \"beta\": \"high\", \"n\": 1.5, \"mode\": 3}", "objective");
        assertTrue(message(() -> c.real("beta", 1)).contains("'beta' must be a finite number, got \"high\""));
        assertTrue(message(() -> c.integer("n", 1, 0)).contains("'n' must be an integer >= 0"));
        assertTrue(message(() -> c.choice("mode", "a", "a", "b")).contains("'mode' must be one of a, b, got 3"));
    }

    @Test
    void unreadParametersAreReportedWithTheAcceptedOnes() {
        ObjectiveConfig c = ObjectiveConfig.parse("{\"type\": \"sigmoid\", \"betta\": 0.1}", "objective");
        c.positive("beta", 0.1);
        String m = message(c::requireAllRead);
        assertTrue(m.contains("unknown parameter [betta]") && m.contains("beta"), m);
    }

    @Test
    void malformedConfigsAreClearErrors() {
        assertTrue(message(() -> ObjectiveConfig.parse("{\"type\": ", "objective")).startsWith("objective config is not valid JSON"));
        assertTrue(message(() -> ObjectiveConfig.parse("{\"beta\": 1}", "objective")).contains("needs a \"type\""));
        assertTrue(message(() -> ObjectiveConfig.parse("[1]", "objective")).contains("must be a JSON object"));
    }

    @Test
    void stepNormalizerRejectsNonPositiveCounts() {
        assertTrue(message(() -> new StepNormalizer(0, 1)).contains("sequences"));
        assertTrue(message(() -> new StepNormalizer(1, Double.NaN)).contains("tokens"));
    }
}
