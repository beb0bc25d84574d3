package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveCatalog;
import org.prefalign.algorithms.objective.policy.LossAggregation.Mode;

/**
 * Registers the policy-gradient losses under TRL's {@code loss_type} names (GRPOTrainer at commit
 * f2cd577), plus {@code ppo} (TRL's PPOTrainer), {@code gspo} and {@code value}.
 *
 * <table>
 * <caption>types and their defaults</caption>
 * <tr><th>type</th><th>loss</th><th>aggregation</th><th>defaults</th></tr>
 * <tr><td>ppo</td><td>clipped surrogate</td><td>token-mean</td><td>epsilon (alias cliprange) 0.2</td></tr>
 * <tr><td>grpo</td><td>clipped surrogate</td><td>seq-mean-token-mean</td><td>epsilon 0.2</td></tr>
 * <tr><td>bnpo</td><td>clipped surrogate</td><td>token-mean</td><td>epsilon 0.2</td></tr>
 * <tr><td>dapo</td><td>clipped surrogate</td><td>token-mean</td><td>epsilon 0.2 (DAPO uses epsilon_high 0.28)</td></tr>
 * <tr><td>dr_grpo</td><td>clipped surrogate</td><td>seq-mean-token-sum-norm</td><td>max_completion_length 512</td></tr>
 * <tr><td>gspo</td><td>clipped surrogate, sequence ratio</td><td>seq-mean-token-mean</td><td>epsilon 3e-4, epsilon_high 4e-4</td></tr>
 * <tr><td>cispo</td><td>clipped IS weight × log π</td><td>token-mean</td><td>epsilon_high 5.0</td></tr>
 * <tr><td>value</td><td>clipped value loss</td><td>token-mean</td><td>cliprange_value 0.2, vf_coef 0.1</td></tr>
 * </table>
 * Every policy loss takes {@code beta} (0: no KL term) and {@code aggregation}; all but
 * {@code gspo} take {@code importance_sampling_level} (token).
 */
public final class PolicyGradientCatalog implements ObjectiveCatalog {

    /** GSPO's clip range (Zheng et al. 2025, v2 §5.1), as TRL's paper index configures it. */
    private static final double GSPO_EPSILON = 3e-4;
    private static final double GSPO_EPSILON_HIGH = 4e-4;
    private static final double EPSILON = 0.2;

    @Override
    public void register(Registry registry) {
        registry.add("ppo", cfg -> ClippedSurrogate.fromConfig(cfg, Mode.TOKEN_MEAN, EPSILON, Double.NaN, null));
        registry.add("grpo", cfg -> ClippedSurrogate.fromConfig(cfg, Mode.SEQ_MEAN_TOKEN_MEAN, EPSILON, Double.NaN, null));
        registry.add("bnpo", cfg -> ClippedSurrogate.fromConfig(cfg, Mode.TOKEN_MEAN, EPSILON, Double.NaN, null));
        registry.add("dapo", cfg -> ClippedSurrogate.fromConfig(cfg, Mode.TOKEN_MEAN, EPSILON, Double.NaN, null));
        registry.add("dr_grpo",
                cfg -> ClippedSurrogate.fromConfig(cfg, Mode.SEQ_MEAN_TOKEN_SUM_NORM, EPSILON, Double.NaN, null));
        registry.add("gspo", cfg -> ClippedSurrogate.fromConfig(cfg, Mode.SEQ_MEAN_TOKEN_MEAN, GSPO_EPSILON,
                GSPO_EPSILON_HIGH, Boolean.TRUE));
        registry.add("cispo", Cispo::fromConfig);
        registry.add("value", ValueLoss::fromConfig);
    }
}
