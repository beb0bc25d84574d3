package org.prefalign.algorithms.objective;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON config of an objective or advantage estimator: {@code {"type": "sigmoid", "beta": 0.1}}.
 *
 * <p>Hyper-parameters are read by name with their default and accepted range; every error names
 * the component, the parameter, what it accepts and what it got. After construction,
 * {@link #requireAllRead()} rejects parameters nobody read, so a misspelt {@code "betta"} is an
 * error instead of a silently ignored default. TRL's {@code loss_type} is accepted for {@code type}.
 */
public final class ObjectiveConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String kind;
    private final String type;
    private final ObjectNode node;
    private final Set<String> read;

    private ObjectiveConfig(String kind, String type, ObjectNode node, Set<String> read) {
        this.kind = kind;
        this.type = type;
        this.node = node;
        this.read = read;
    }

    /** Parses {@code json}; {@code kind} names the component in messages ("objective", "advantage estimator"). */
    public static ObjectiveConfig parse(String json, String kind) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(kind + " config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return of(root, kind);
    }

    /** Wraps an already parsed JSON object. */
    public static ObjectiveConfig of(JsonNode root, String kind) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(kind + " config must be a JSON object with a \"type\", got " + root);
        }
        ObjectNode node = (ObjectNode) root;
        Set<String> read = new TreeSet<>();
        String key = node.has("type") ? "type" : node.has("loss_type") ? "loss_type" : null;
        if (key == null) {
            throw new IllegalArgumentException(kind + " config needs a \"type\" (or TRL's \"loss_type\"), got " + root);
        }
        read.add(key);
        JsonNode t = node.get(key);
        String type;
        if (t.isTextual()) {
            type = t.asText();
        } else if (t.isArray()) {
            type = COMBINED;
        } else {
            throw new IllegalArgumentException(kind + " config: \"" + key + "\" must be a name or a list of names, got " + t);
        }
        return new ObjectiveConfig(kind, type, node, read);
    }

    /** The registry name under which a list-valued {@code type} (TRL's weighted loss list) is built. */
    public static final String COMBINED = "combined";

    /** The type name, or {@link #COMBINED} for a list of types. */
    public String type() {
        return type;
    }

    /** The component kind used in messages. */
    public String kind() {
        return kind;
    }

    /** The names of a list-valued {@code type}, in order. */
    public List<String> types() {
        JsonNode t = node.has("type") ? node.get("type") : node.get("loss_type");
        List<String> out = new ArrayList<>();
        if (t.isTextual()) {
            out.add(t.asText());
            return out;
        }
        for (JsonNode e : t) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException(kind + " config: every entry of \"type\" must be a name, got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** The same parameters seen as a config of type {@code t} (for combined losses sharing β etc.). */
    public ObjectiveConfig withType(String t) {
        return new ObjectiveConfig(kind, t, node, read);
    }

    /** Whether the config sets {@code name}. */
    public boolean has(String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    /** Any finite real. */
    public double real(String name, double def) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(name, "a finite number", v);
        }
        return v.asDouble();
    }

    /** A real &gt; 0. */
    public double positive(String name, double def) {
        double x = real(name, def);
        if (!(x > 0)) {
            throw error(name, "> 0", x);
        }
        return x;
    }

    /** A real ≥ 0. */
    public double nonNegative(String name, double def) {
        double x = real(name, def);
        if (!(x >= 0)) {
            throw error(name, ">= 0", x);
        }
        return x;
    }

    /** A real in {@code [lo, hi]} (or an open end where {@code *Open} is set). */
    public double range(String name, double def, double lo, boolean loOpen, double hi, boolean hiOpen) {
        double x = real(name, def);
        boolean ok = (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
        if (!ok) {
            throw error(name, "in " + (loOpen ? "(" : "[") + lo + ", " + hi + (hiOpen ? ")" : "]"), x);
        }
        return x;
    }

    /** An integer ≥ {@code min}. */
    public int integer(String name, int def, int min) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(name, "an integer >= " + min, v);
        }
        if (v.asInt() < min) {
            throw error(name, "an integer >= " + min, v.asInt());
        }
        return v.asInt();
    }

    /** A boolean. */
    public boolean bool(String name, boolean def) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw error(name, "true or false", v);
        }
        return v.asBoolean();
    }

    /** One of {@code allowed}. */
    public String choice(String name, String def, String... allowed) {
        JsonNode v = value(name);
        String s = v == null ? def : v.isTextual() ? v.asText() : null;
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw error(name, "one of " + String.join(", ", allowed), v);
    }

    /** A list of finite reals, or {@code null} when absent. */
    public double[] reals(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw error(name, "a list of numbers", v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw error(name + "[" + i + "]", "a finite number", e);
            }
            out[i] = e.asDouble();
        }
        return out;
    }

    /** Throws unless every parameter in the config was read by the component built from it. */
    public void requireAllRead() {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(kind + " '" + type + "': unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + unknown + "; it accepts " + read);
        }
    }

    /** An error about parameter {@code name}: "objective 'sigmoid': 'beta' must be &gt; 0, got -1.0". */
    public IllegalArgumentException error(String name, String expected, Object got) {
        return new IllegalArgumentException(kind + " '" + type + "': '" + name + "' must be " + expected + ", got " + got);
    }

    private JsonNode value(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
