package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveCatalog;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Registers the DPO family under TRL's {@code loss_type} names (TRL commit f2cd577,
 * {@code DPOTrainer._compute_loss}), and {@code combined} for a list of them with weights.
 */
public final class PairwiseCatalog implements ObjectiveCatalog {

    @Override
    public void register(Registry registry) {
        registry.add("sigmoid", Dpo::new);
        registry.add("hinge", SlicHinge::new);
        registry.add("ipo", Ipo::new);
        registry.add("exo_pair", ExoPair::new);
        registry.add("nca_pair", NcaPair::new);
        registry.add("robust", RobustDpo::new);
        registry.add("bco_pair", BcoPair::new);
        registry.add("sppo_hard", SppoHard::new);
        registry.add("aot", Aot::new);
        registry.add("aot_unpaired", AotUnpaired::new);
        registry.add("apo_zero", ApoZero::new);
        registry.add("apo_down", ApoDown::new);
        registry.add("discopop", DiscoPop::new);
        registry.add("sigmoid_norm", LengthNormalizedDpo::new);
        registry.add("sft", SftNll::new);
        registry.add(ObjectiveConfig.COMBINED, CombinedLoss::new);
    }
}
