package org.prefalign.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.prefalign.core.config.JsonConfig;

/**
 * The JSON config of a feedback provider or of a rule: {@code {"type": "math_answer", "tolerance": 1e-6}}.
 *
 * <p>Parameters are read with {@link JsonConfig}'s typed, range-checked getters, and
 * {@link #requireAllRead()} rejects parameters nobody read. Beyond that, a config may nest configs
 * ({@link #children}) and name environment variables.
 *
 * <p>Secrets never sit in a config: a provider that needs one reads the <em>name</em> of an
 * environment variable from the config and its value through {@link #environment(String, String)}.
 */
public final class FeedbackConfig extends JsonConfig {

    private final UnaryOperator<String> environment;

    private FeedbackConfig(String kind, ObjectNode node, UnaryOperator<String> environment) {
        super(kind, node, "type", typeName(kind, node));
        this.environment = environment;
    }

    private static String typeName(String kind, ObjectNode node) {
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual() || t.asText().isBlank()) {
            throw new IllegalArgumentException(kind + " config needs a \"type\" name, got " + node);
        }
        return t.asText();
    }

    /** Parses {@code json}; {@code kind} names the component in messages ("feedback", "rule"). */
    public static FeedbackConfig parse(String json, String kind, UnaryOperator<String> environment) {
        return of(parseObject(json, kind), kind, environment);
    }

    /** Wraps an already parsed JSON object. */
    public static FeedbackConfig of(JsonNode root, String kind, UnaryOperator<String> environment) {
        Objects.requireNonNull(environment, "environment");
        return new FeedbackConfig(kind, object(root, kind), environment);
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
            out.add(new FeedbackConfig(kind() + " '" + type() + "' " + name + "[" + i + "]: " + childKind,
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
            throw new IllegalArgumentException(kind() + " '" + type() + "': environment variable " + variable
                    + " (named by '" + name + "') is not set");
        }
        return value;
    }

    /** Where this config reads environment variables. */
    public UnaryOperator<String> environment() {
        return environment;
    }
}
