package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.core.math.StableMath;

/**
 * The Kahneman-Tversky value loss of KTO (Ethayarajh, Xu, Muennighoff, Jurafsky and Kiela 2024,
 * arXiv:2402.01306) at a reference point z₀, with r = log π_θ(y|x) − log π_ref(y|x):
 *
 * <pre>  desirable:   ℓ = λ_D·(1 − σ(β·(r − z₀))) = λ_D·σ(−β·(r − z₀))
 *   undesirable: ℓ = λ_U·(1 − σ(β·(z₀ − r))) = λ_U·σ(β·(r − z₀))</pre>
 *
 * <p>{@link Kto} estimates z₀ from mismatched pairs; {@link ApoZeroUnpaired} anchors it at 0. Both
 * read TRL's {@code KTOConfig} names: {@code beta} β &gt; 0 (0.1), {@code desirable_weight}
 * λ_D &gt; 0 (1.0), {@code undesirable_weight} λ_U &gt; 0 (1.0).
 */
record KahnemanTverskyValue(double beta, double desirableWeight, double undesirableWeight) {

    /** Reads {@code beta}, {@code desirable_weight} and {@code undesirable_weight}. */
    static KahnemanTverskyValue fromConfig(ObjectiveConfig cfg) {
        return new KahnemanTverskyValue(cfg.positive("beta", 0.1), cfg.positive("desirable_weight", 1.0),
                cfg.positive("undesirable_weight", 1.0));
    }

    /** The loss at reference point z₀, with KTO's metrics and {@code kl} = z₀. */
    ObjectiveResult compute(UnpairedLogps in, StepNormalizer step, double z0) {
        double[] r = UnpairedResult.logRatios(in);
        double[] loss = new double[r.length];
        double[] slope = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            double x = beta * (r[i] - z0);
            double density = LogisticLoss.density(x);
            if (in.desirable()[i]) {
                loss[i] = desirableWeight * StableMath.sigmoid(-x);
                slope[i] = -desirableWeight * beta * density;
            } else {
                loss[i] = undesirableWeight * StableMath.sigmoid(x);
                slope[i] = undesirableWeight * beta * density;
            }
        }
        return UnpairedResult.builder(in, step, beta, r, loss, slope).metric("kl", z0).build();
    }
}
