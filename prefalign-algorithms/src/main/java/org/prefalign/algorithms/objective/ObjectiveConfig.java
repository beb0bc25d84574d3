package org.prefalign.algorithms.objective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.prefalign.core.config.JsonConfig;

/**
 * A JSON config of an objective or advantage estimator: {@code {"type": "sigmoid", "beta": 0.1}}.
 *
 * <p>Hyper-parameters are read with {@link JsonConfig}'s typed, range-checked getters, and
 * {@link #requireAllRead()} rejects parameters nobody read. Beyond that, TRL's {@code loss_type}
 * is accepted for {@code type}, and so is a list of types (TRL's weighted loss list), built as
 * {@link #COMBINED}.
 */
public final class ObjectiveConfig extends JsonConfig {

    /** The registry name under which a list-valued {@code type} (TRL's weighted loss list) is built. */
    public static final String COMBINED = "combined";

    private ObjectiveConfig(String kind, ObjectNode node, String typeKey, String type) {
        super(kind, node, typeKey, type);
    }

    private ObjectiveConfig(ObjectiveConfig same, String type) {
        super(same, type);
    }

    /** Parses {@code json}; {@code kind} names the component in messages ("objective", "advantage estimator"). */
    public static ObjectiveConfig parse(String json, String kind) {
        return of(parseObject(json, kind), kind);
    }

    /** Wraps an already parsed JSON object. */
    public static ObjectiveConfig of(JsonNode root, String kind) {
        ObjectNode node = object(root, kind);
        String key = node.has("type") ? "type" : node.has("loss_type") ? "loss_type" : null;
        if (key == null) {
            throw new IllegalArgumentException(kind + " config needs a \"type\" (or TRL's \"loss_type\"), got " + root);
        }
        JsonNode t = node.get(key);
        String type;
        if (t.isTextual()) {
            type = t.asText();
        } else if (t.isArray()) {
            type = COMBINED;
        } else {
            throw new IllegalArgumentException(kind + " config: \"" + key + "\" must be a name or a list of names, got " + t);
        }
        return new ObjectiveConfig(kind, node, key, type);
    }

    /** The names of a list-valued {@code type}, in order. */
    public List<String> types() {
        JsonNode t = has("type") ? value("type") : value("loss_type");
        List<String> out = new ArrayList<>();
        if (t.isTextual()) {
            out.add(t.asText());
            return out;
        }
        for (JsonNode e : t) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException(kind() + " config: every entry of \"type\" must be a name, got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** The same parameters seen as a config of type {@code t} (for combined losses sharing β etc.). */
    public ObjectiveConfig withType(String t) {
        return new ObjectiveConfig(this, t);
    }
}
