package org.prefalign.algorithms.objective;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.prefalign.core.config.TypeRegistry;

/**
 * Builds objectives from JSON configs named as TRL names them.
 *
 * <pre>{@code
 * PairwiseObjective dpo = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": 0.1}");
 * ObjectiveResult r = dpo.compute(new PairwiseLogps(pc, pr, rc, rr, tc, tr));
 * }</pre>
 *
 * <p>Unknown types and parameters, and out-of-range values, are errors that name the parameter
 * and its accepted range. See {@code docs/objectives.md} for every type and its defaults.
 */
public final class Objectives {

    private static final TypeRegistry<ObjectiveConfig, Objective> FACTORIES = TypeRegistry.load("objective",
            ObjectiveCatalog.class, (catalog, add) -> catalog.register(add::accept));

    private Objectives() {
    }

    /** Builds the objective described by {@code json}. */
    public static Objective fromJson(String json) {
        return fromConfig(ObjectiveConfig.parse(json, "objective"));
    }

    /** Builds the objective described by an already parsed JSON object. */
    public static Objective fromJson(JsonNode json) {
        return fromConfig(ObjectiveConfig.of(json, "objective"));
    }

    /** Builds the objective described by {@code config}, rejecting parameters it does not read. */
    public static Objective fromConfig(ObjectiveConfig config) {
        Objective o = build(config);
        config.requireAllRead();
        return o;
    }

    /**
     * Builds the objective of {@code config} without the unknown-parameter check; for combined
     * losses whose parts share one config.
     */
    public static Objective build(ObjectiveConfig config) {
        return FACTORIES.build(config);
    }

    /** Builds a pairwise objective, or explains which kind {@code json} describes instead. */
    public static PairwiseObjective pairwise(String json) {
        return as(fromJson(json), PairwiseObjective.class);
    }

    /** Builds an unpaired objective (KTO, BCO). */
    public static UnpairedObjective unpaired(String json) {
        return as(fromJson(json), UnpairedObjective.class);
    }

    /** Builds a reward-model objective (Bradley-Terry). */
    public static RewardObjective reward(String json) {
        return as(fromJson(json), RewardObjective.class);
    }

    /** Builds a listwise objective. */
    public static ListwiseObjective listwise(String json) {
        return as(fromJson(json), ListwiseObjective.class);
    }

    /** Builds a token-level policy-gradient objective. */
    public static PolicyGradientObjective policyGradient(String json) {
        return as(fromJson(json), PolicyGradientObjective.class);
    }

    /** Every registered type name. */
    public static Set<String> types() {
        return FACTORIES.types();
    }

    private static <T extends Objective> T as(Objective o, Class<T> kind) {
        if (!kind.isInstance(o)) {
            throw new IllegalArgumentException("objective '" + o.type() + "' is a " + o.getClass().getSimpleName()
                    + ", not a " + kind.getSimpleName());
        }
        return kind.cast(o);
    }
}
