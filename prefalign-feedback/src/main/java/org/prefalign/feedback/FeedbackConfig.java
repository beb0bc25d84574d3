package org.prefalign.feedback;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The JSON config of a feedback provider or of a rule: {@code {"type": "math_answer", "tolerance": 1e-6}}.
 *
 * <p>Parameters are read by name with their default and accepted range; every error names the
 * component, the parameter, what it accepts and what it got. {@link #requireAllRead()} then
 * rejects parameters nobody read, so a misspelt {@code "tolerence"} is an error instead of a
 * silently ignored default.
 *
 * <p>Secrets never sit in a config: a provider that needs one reads the <em>name</em> of an
 * environment variable from the config and its value through {@link #environment(String, String)}.
 */
public final class FeedbackConfig {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String kind;
    private final String type;
    private final ObjectNode node;
    private final Set<String> read = new TreeSet<>();
    private final UnaryOperator<String> environment;

    private FeedbackConfig(String kind, ObjectNode node, UnaryOperator<String> environment) {
        this.kind = kind;
        this.node = node;
        this.environment = environment;
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual() || t.asText().isBlank()) {
            throw new IllegalArgumentException(kind + " config needs a \"type\" name, got " + node);
        }
        this.type = t.asText();
        read.add("type");
    }

    /** Parses {@code json}; {@code kind} names the component in messages ("feedback", "rule"). */
    public static FeedbackConfig parse(String json, String kind, UnaryOperator<String> environment) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(kind + " config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return of(root, kind, environment);
    }

    /** Wraps an already parsed JSON object. */
    public static FeedbackConfig of(JsonNode root, String kind, UnaryOperator<String> environment) {
        Objects.requireNonNull(environment, "environment");
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(kind + " config must be a JSON object with a \"type\", got " + root);
        }
        return new FeedbackConfig(kind, (ObjectNode) root, environment);
    }

    /** The type name. */
    public String type() {
        return type;
    }

    /** The component kind used in messages. */
    public String kind() {
        return kind;
    }

    /** Whether the config sets {@code name} (to something other than null). */
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

    /** A real in {@code [lo, hi]}. */
    public double range(String name, double def, double lo, double hi) {
        double x = real(name, def);
        if (!(x >= lo && x <= hi)) {
            throw error(name, "in [" + lo + ", " + hi + "]", x);
        }
        return x;
    }

    /** An integer in {@code [min, max]}. */
    public int integer(String name, int def, int min, int max) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw error(name, "an integer in [" + min + ", " + max + "]", v);
        }
        return v.asInt();
    }

    /** A required integer in {@code [min, max]}. */
    public int requiredInteger(String name, int min, int max) {
        if (!has(name)) {
            throw error(name, "an integer in [" + min + ", " + max + "] (required)", "nothing");
        }
        return integer(name, 0, min, max);
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

    /** A string, or {@code def} when absent. */
    public String string(String name, String def) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw error(name, "a string", v);
        }
        return v.asText();
    }

    /** A required non-empty string. */
    public String requiredString(String name) {
        String s = string(name, null);
        if (s == null || s.isEmpty()) {
            throw error(name, "a non-empty string (required)", s == null ? "nothing" : "\"\"");
        }
        return s;
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

    /** A list of strings, or {@code def} when absent. */
    public List<String> strings(String name, List<String> def) {
        JsonNode v = value(name);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            throw error(name, "a list of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw error(name + "[" + i + "]", "a string", v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return List.copyOf(out);
    }

    /** A non-empty list of JSON objects, each a nested config of {@code childKind}. */
    public List<FeedbackConfig> children(String name, String childKind) {
        JsonNode v = value(name);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw error(name, "a non-empty list of " + childKind + " configs", v == null ? "nothing" : v);
        }
        List<FeedbackConfig> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw error(name + "[" + i + "]", "a " + childKind + " config object", v.get(i));
            }
            out.add(new FeedbackConfig(kind + " '" + type + "' " + name + "[" + i + "]: " + childKind,
                    (ObjectNode) v.get(i), environment));
        }
        return out;
    }

    /**
     * The value of the environment variable named by parameter {@code name} (default
     * {@code defaultVariable}). The message of a missing variable names the variable, never a value.
     */
    public String environment(String name, String defaultVariable) {
        String variable = string(name, defaultVariable);
        String value = environment.apply(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(kind + " '" + type + "': environment variable " + variable
                    + " (named by '" + name + "') is not set");
        }
        return value;
    }

    /** Where this config reads environment variables. */
    public UnaryOperator<String> environment() {
        return environment;
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

    /** An error about parameter {@code name}: "rule 'regex': 'pattern' must be a string, got 3". */
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
