package org.prefalign.algorithms.objective;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.prefalign.algorithms.advantage.AdvantageEstimator;
import org.prefalign.algorithms.advantage.DrGrpoEstimator;
import org.prefalign.algorithms.advantage.GaeEstimator;
import org.prefalign.algorithms.advantage.GrpoEstimator;
import org.prefalign.algorithms.advantage.OpoEstimator;
import org.prefalign.algorithms.advantage.ReinforceBaselineEstimator;
import org.prefalign.algorithms.advantage.ReinforcePlusPlusEstimator;
import org.prefalign.algorithms.advantage.RemaxEstimator;
import org.prefalign.algorithms.advantage.RlooEstimator;
import org.prefalign.core.config.TypeRegistry;

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

    private static final TypeRegistry<ObjectiveConfig, AdvantageEstimator> FACTORIES =
            new TypeRegistry<ObjectiveConfig, AdvantageEstimator>("advantage estimator")
                    .add("gae", GaeEstimator::fromConfig)
                    .add("grpo", GrpoEstimator::fromConfig)
                    .add("dr_grpo", DrGrpoEstimator::fromConfig)
                    .add("rloo", RlooEstimator::fromConfig)
                    .add("reinforce_plus_plus", ReinforcePlusPlusEstimator::fromConfig)
                    .add("reinforce_baseline", ReinforceBaselineEstimator::fromConfig)
                    .add("remax", RemaxEstimator::fromConfig)
                    .add("opo", OpoEstimator::fromConfig);

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
        AdvantageEstimator e = FACTORIES.build(config);
        config.requireAllRead();
        return e;
    }

    /** Every estimator type name. */
    public static Set<String> types() {
        return FACTORIES.types();
    }
}
