package org.prefalign.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class JsonConfigTest {

    /** The smallest subclass: the type is the textual "type". */
    private static final class Plain extends JsonConfig {
        Plain(String kind, ObjectNode node) {
            super(kind, node, "type", node.path("type").asText());
        }

        Plain(Plain same, String type) {
            super(same, type);
        }

        static Plain parse(String json) {
            return new Plain("widget", parseObject(json, "widget"));
        }
    }

    private static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void readsTypedParametersWithTheirDefaults() {
        Plain c = Plain.parse("""
                {"type": "w", "x": -2.5, "p": 0.5, "n": 3, "flag": true, "s": "hi", "mode": "b",
                 "names": ["a", "b"], "xs": [1, 2.5], "nothing": null}""");
        assertEquals("w", c.type());
        assertEquals("widget", c.kind());
        assertEquals(-2.5, c.real("x", 0));
        assertEquals(0.5, c.positive("p", 1));
        assertEquals(0.5, c.range("p", 0, 0, true, 1, true));
        assertEquals(3, c.integer("n", 1, 1));
        assertEquals(3, c.integer("n", 1, 3, 3));
        assertTrue(c.bool("flag", false));
        assertEquals("hi", c.requiredString("s"));
        assertEquals("b", c.choice("mode", "a", "a", "b"));
        assertEquals(List.of("a", "b"), c.strings("names", null));
        assertArrayEquals(new double[] {1, 2.5}, c.reals("xs"));
        // absent and null both take the default
        assertFalse(c.has("nothing"));
        assertEquals(7, c.integer("nothing", 7, 0));
        assertEquals(0.25, c.nonNegative("absent", 0.25));
        assertEquals("a", c.choice("absent2", "a", "a", "b"));
        assertNull(c.reals("absent3"));
        c.requireAllRead();
    }

    @Test
    void messagesNameTheComponentTheParameterTheRangeAndTheValue() {
        Plain c = Plain.parse("{\"type\": \"w\", \"p\": -1, \"q\": 0.7, \"n\": 11, \"f\": 1.5, \"s\": 3, \"e\": \"\","
                + " \"names\": [\"a\", 2], \"xs\": [1, \"z\"], \"b\": \"yes\", \"m\": 3}");
        assertEquals("widget 'w': 'p' must be > 0, got -1.0", message(() -> c.positive("p", 1)));
        assertEquals("widget 'w': 'p' must be >= 0, got -1.0", message(() -> c.nonNegative("p", 1)));
        assertEquals("widget 'w': 'q' must be in [0.0, 0.5), got 0.7", message(() -> c.range("q", 0, 0, false, 0.5, true)));
        assertEquals("widget 'w': 'q' must be in [0.0, 0.5], got 0.7", message(() -> c.range("q", 0, 0, 0.5)));
        assertEquals("widget 'w': 'q' must be in (0.7, 1.0], got 0.7", message(() -> c.range("q", 0, 0.7, true, 1, false)));
        assertEquals("widget 'w': 'n' must be an integer >= 12, got 11", message(() -> c.integer("n", 1, 12)));
        assertEquals("widget 'w': 'n' must be an integer in [1, 10], got 11", message(() -> c.integer("n", 1, 1, 10)));
        assertEquals("widget 'w': 'f' must be an integer >= 0, got 1.5", message(() -> c.integer("f", 1, 0)));
        assertEquals("widget 'w': 'r' must be an integer in [1, 5] (required), got nothing",
                message(() -> c.requiredInteger("r", 1, 5)));
        assertEquals("widget 'w': 's' must be a string, got 3", message(() -> c.string("s", "d")));
        assertEquals("widget 'w': 'b' must be a finite number, got \"yes\"", message(() -> c.real("b", 0)));
        assertEquals("widget 'w': 'e' must be a non-empty string (required), got \"\"", message(() -> c.requiredString("e")));
        assertEquals("widget 'w': 'absent' must be a non-empty string (required), got nothing",
                message(() -> c.requiredString("absent")));
        assertEquals("widget 'w': 'names[1]' must be a string, got 2", message(() -> c.strings("names", null)));
        assertEquals("widget 'w': 'xs[1]' must be a finite number, got \"z\"", message(() -> c.reals("xs")));
        assertEquals("widget 'w': 'b' must be true or false, got \"yes\"", message(() -> c.bool("b", false)));
        assertEquals("widget 'w': 'm' must be one of a, b, got 3", message(() -> c.choice("m", "a", "a", "b")));
    }

    @Test
    void unreadParametersAreReportedWithTheAcceptedOnes() {
        Plain c = Plain.parse("{\"type\": \"w\", \"betta\": 0.1, \"gama\": 1}");
        c.positive("beta", 0.1);
        assertEquals("widget 'w': unknown parameters [betta, gama]; it accepts [beta, type]", message(c::requireAllRead));
    }

    @Test
    void aRetypedViewSharesWhatHasBeenRead() {
        Plain c = Plain.parse("{\"type\": \"w\", \"beta\": 0.1, \"gamma\": 2}");
        Plain other = new Plain(c, "v");
        assertEquals("v", other.type());
        other.real("gamma", 0);
        c.real("beta", 0);
        c.requireAllRead();
        assertEquals("widget 'v': 'gamma' must be in (2.0, 3.0], got 2.0",
                message(() -> other.range("gamma", 0, 2, true, 3, false)));
    }

    @Test
    void malformedConfigsAreClearErrors() {
        assertTrue(message(() -> Plain.parse("{\"type\": ")).startsWith("widget config is not valid JSON"));
        assertEquals("widget config must be a JSON object with a \"type\", got [1]", message(() -> Plain.parse("[1]")));
        assertTrue(message(() -> Plain.parse("{\"type\": \"w\", \"a\": 1, \"a\": 2}")).contains("Duplicate field 'a'"));
    }

    @Test
    void aRegistryBuildsByTypeAndNamesTheKnownTypes() {
        TypeRegistry<Plain, String> r = new TypeRegistry<Plain, String>("widget")
                .add("w", c -> "built " + c.type() + " " + c.integer("n", 0, 0))
                .add("a", c -> "a");
        assertEquals(List.of("a", "w"), List.copyOf(r.types()));
        assertEquals("built w 4", r.build(Plain.parse("{\"type\": \"w\", \"n\": 4}")));
        assertEquals("widget: unknown type 'x'; known types are [a, w]", message(() -> r.build(Plain.parse("{\"type\": \"x\"}"))));
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> r.add("a", c -> "again"));
        assertEquals("widget type 'a' is registered twice", twice.getMessage());
    }
}
