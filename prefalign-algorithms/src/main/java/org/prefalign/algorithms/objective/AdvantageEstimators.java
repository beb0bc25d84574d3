package org.prefalign.algorithms.objective;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.prefalign.algorithms.advantage.AdvantageEstimator;
import org.prefalign.algorithms.advantage.DrGrpoEstimator;
import org.prefalign.algorithms.advantage.GaeEstimator;
import org.prefalign.algorithms.advantage.GrpoEstimator;
import org.prefalign.algorithms.advantage.OpoEstimator;
import org.prefalign.algorithms.advantage.ReinforceBaselineEstimator;
import org.prefalign.algorithms.advantage.ReinforcePlusPlusEstimator;
import org.prefalign.algorithms.advantage.RemaxEstimator;
import org.prefalign.algorithms.advantage.RlooEstimator;

/**
 * Builds advantage estimators from JSON configs, with the same validation as objectives:
 *
 * <pre>{@code
 * AdvantageEstimator grpo = AdvantageEstimators.fromJson("{\"type\": \"grpo\", \"scale_rewards\": \"batch\"}");
 * Advantages a = grpo.estimate(AdvantageInput.grouped(rewards, 8));
 * }</pre>
 *
 * <p>Types: {@code gae} (gamma, lam, whiten_advantages, kl_coef, kl_estimator), {@code grpo}
 * (scale_rewards), {@code dr_grpo}, {@code rloo} (normalize_advantages),
 * {@code reinforce_plus_plus} (gamma, kl_coef, kl_estimator), {@code reinforce_baseline}
 * (kl_coef, kl_estimator), {@code remax}, {@code opo}. Unknown types and parameters and
 * out-of-range values are errors naming the parameter and its accepted range.
 */
public final class AdvantageEstimators {

    private static final Map<String, Function<ObjectiveConfig, AdvantageEstimator>> FACTORIES = factories();

    private AdvantageEstimators() {
    }

    /** Builds the estimator described by {@code json}. */
    public static AdvantageEstimator fromJson(String json) {
        return fromConfig(ObjectiveConfig.parse(json, "advantage estimator"));
    }

    /** Builds the estimator described by an already parsed JSON object. */
    public static AdvantageEstimator fromJson(JsonNode json) {
        return fromConfig(ObjectiveConfig.of(json, "advantage estimator"));
    }

    /** Builds the estimator of {@code config}, rejecting parameters it does not read. */
    public static AdvantageEstimator fromConfig(ObjectiveConfig config) {
        Function<ObjectiveConfig, AdvantageEstimator> f = FACTORIES.get(config.type());
        if (f == null) {
            throw new IllegalArgumentException("advantage estimator: unknown type '" + config.type() + "'; known types are "
                    + FACTORIES.keySet());
        }
        AdvantageEstimator e = f.apply(config);
        config.requireAllRead();
        return e;
    }

    /** Every estimator type name. */
    public static Set<String> types() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    private static Map<String, Function<ObjectiveConfig, AdvantageEstimator>> factories() {
        Map<String, Function<ObjectiveConfig, AdvantageEstimator>> m = new LinkedHashMap<>();
        m.put("gae", GaeEstimator::fromConfig);
        m.put("grpo", GrpoEstimator::fromConfig);
        m.put("dr_grpo", DrGrpoEstimator::fromConfig);
        m.put("rloo", RlooEstimator::fromConfig);
        m.put("reinforce_plus_plus", ReinforcePlusPlusEstimator::fromConfig);
        m.put("reinforce_baseline", ReinforceBaselineEstimator::fromConfig);
        m.put("remax", RemaxEstimator::fromConfig);
        m.put("opo", OpoEstimator::fromConfig);
        return m;
    }
}
