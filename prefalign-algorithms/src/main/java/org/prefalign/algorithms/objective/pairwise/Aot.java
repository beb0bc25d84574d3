package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * AOT for paired data (Melnyk et al. 2024, arXiv:2406.05882) — TRL's {@code aot}: the policy's
 * chosen-over-rejected log-prob margins must dominate the reference's,
 *
 * <pre>  a_i = log π_θ(y_w) − log π_θ(y_l),   b_i = log π_ref(y_w) − log π_ref(y_l)</pre>
 *
 * <p>with the quantile loss of {@link OptimalTransportObjective} (sorting, and what gradient
 * accumulation means for it, are documented there). Hyper-parameters: {@code beta} &gt; 0 (0.1),
 * {@code label_smoothing} in [0, 0.5) (0.0).
 */
public final class Aot extends OptimalTransportObjective {

    public Aot(ObjectiveConfig cfg) {
        super(cfg);
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        int n = r.size();
        double[] policyMargins = new double[n];
        double[] refMargins = new double[n];
        for (int i = 0; i < n; i++) {
            policyMargins[i] = r.policyChosen()[i] - r.policyRejected()[i];
            // (π_w − ref_w) − (π_l − ref_l) = a − b, so b = a − (u_w − u_l)
            refMargins[i] = policyMargins[i] - (r.chosen()[i] - r.rejected()[i]);
        }
        Quantiles q = quantileLosses(policyMargins, refMargins);
        PairLosses out = new PairLosses(n);
        for (int i = 0; i < n; i++) {
            out.set(i, q.value()[i], q.da()[i], -q.da()[i]);
        }
        return out;
    }
}
