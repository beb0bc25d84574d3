package org.prefalign.algorithms.objective.listwise;

import org.prefalign.algorithms.objective.ObjectiveCatalog;

/**
 * Registers the listwise objectives. TRL has no names for them; these are the papers' own:
 * <ul>
 *   <li>{@code listmle} — {@link PlackettLuceDpo}, {@code beta} (0.1)</li>
 *   <li>{@code lipo} — {@link LipoLambda}, {@code beta} (0.05)</li>
 *   <li>{@code pro} — {@link Pro}, {@code sft_weight} (0.05), {@code reward_temperature} (true)</li>
 *   <li>{@code rrhf} — {@link Rrhf}, {@code sft_weight} (1.0)</li>
 * </ul>
 */
public final class ListwiseCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
        registry.add(PlackettLuceDpo.TYPE, cfg -> new PlackettLuceDpo(cfg.positive("beta", 0.1)));
        registry.add(LipoLambda.TYPE, cfg -> new LipoLambda(cfg.positive("beta", 0.05)));
        registry.add(Pro.TYPE, cfg -> new Pro(cfg.nonNegative("sft_weight", 0.05), cfg.bool("reward_temperature", true)));
        registry.add(Rrhf.TYPE, cfg -> new Rrhf(cfg.nonNegative("sft_weight", 1.0)));
    }
}
