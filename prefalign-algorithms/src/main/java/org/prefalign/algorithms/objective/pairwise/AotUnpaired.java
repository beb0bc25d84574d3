package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * AOT for unpaired data (Melnyk et al. 2024, arXiv:2406.05882) — TRL's {@code aot_unpaired}: the
 * distribution of chosen log-ratios must dominate that of rejected log-ratios, whichever pair they
 * came from,
 *
 * <pre>  a_i = log π_θ(y_w,i) − log π_ref(y_w,i),   b_i = log π_θ(y_l,i) − log π_ref(y_l,i)</pre>
 *
 * <p>with the quantile loss of {@link OptimalTransportObjective} (sorting, and what gradient
 * accumulation means for it, are documented there). Hyper-parameters: {@code beta} &gt; 0 (0.1),
 * {@code label_smoothing} in [0, 0.5) (0.0).
 */
public final class AotUnpaired extends OptimalTransportObjective {

    public AotUnpaired(ObjectiveConfig cfg) {
        super(cfg);
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        Quantiles q = quantileLosses(r.chosen(), r.rejected());
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.set(i, q.value()[i], q.da()[i], q.db()[i]);
        }
        return out;
    }
}
