package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.Objective;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * PPO's clipped value loss (Schulman et al. 2017, arXiv:1707.06347, as implemented in OpenAI
 * baselines and TRL's PPOTrainer):
 *
 * <pre>
 *   ℓ_t  = ½ · max((V − R)², (clip(V, V_old − c, V_old + c) − R)²)
 *   loss = vf_coef · Σ_i c_i Σ_t m_{i,t} ℓ_{i,t}          (c_i from {@link LossAggregation})
 * </pre>
 * with c = {@code cliprange_value} (0.2), {@code vf_coef} 0.1 and TRL's token-mean aggregation.
 * The clip keeps the value head from moving far from the rollout's estimate in one update; the
 * max makes it pessimistic. Gradients are of the loss w.r.t. {@code values}.
 *
 * <p>Metrics (TRL's PPO names, batch means over tokens): {@code loss/value_avg} = ½·mean max(·,·)
 * before {@code vf_coef}, {@code val/clipfrac_avg} = the fraction where the clipped term is larger.
 */
public final class ValueLoss implements Objective {

    private final double cliprangeValue;
    private final double vfCoef;
    private final LossAggregation aggregation;

    public ValueLoss(double cliprangeValue, double vfCoef, LossAggregation aggregation) {
        if (!(cliprangeValue > 0) || Double.isInfinite(cliprangeValue)) {
            throw new IllegalArgumentException("objective 'value': 'cliprange_value' must be a finite number > 0, got "
                    + cliprangeValue);
        }
        if (!(vfCoef > 0) || Double.isInfinite(vfCoef)) {
            throw new IllegalArgumentException("objective 'value': 'vf_coef' must be a finite number > 0, got " + vfCoef);
        }
        this.cliprangeValue = cliprangeValue;
        this.vfCoef = vfCoef;
        this.aggregation = aggregation;
    }

    /** Reads {@code cliprange_value} (0.2), {@code vf_coef} (0.1) and {@code aggregation} (token-mean). */
    static ValueLoss fromConfig(ObjectiveConfig cfg) {
        double clip = cfg.positive("cliprange_value", 0.2);
        double coef = cfg.positive("vf_coef", 0.1);
        return new ValueLoss(clip, coef, LossAggregation.read(cfg, LossAggregation.Mode.TOKEN_MEAN));
    }

    @Override
    public String type() {
        return "value";
    }

    /** The loss of {@code in}, normalised by this batch alone. */
    public ObjectiveResult compute(ValueTargets in) {
        return compute(in, in.normalizer());
    }

    /** The loss of {@code in} as one micro-batch of an optimizer step normalised by {@code step}. */
    public ObjectiveResult compute(ValueTargets in, StepNormalizer step) {
        double[][] v = TokenLogps.matrix(in.values());
        double[][] old = in.oldValues() == null ? null : TokenLogps.matrix(in.oldValues());
        double[][] ret = TokenLogps.matrix(in.returns());
        double[][] mask = TokenLogps.matrix(in.mask());
        int b = v.length;
        int t = v[0].length;
        double[] tokens = TokenLogps.tokenCounts(mask);
        double[] c = aggregation.sequenceWeights(tokens, step, type());
        double[] grad = new double[b * t];
        double[] perExample = new double[b];
        double loss = 0;
        double halfMaxSum = 0;
        double clipped = 0;
        double count = 0;
        for (int i = 0; i < b; i++) {
            double rowSum = 0;
            for (int j = 0; j < t; j++) {
                if (mask[i][j] == 0) {
                    continue;
                }
                double err = v[i][j] - ret[i][j];
                double errClipped = err;
                if (old != null) {
                    double lo = old[i][j] - cliprangeValue;
                    double hi = old[i][j] + cliprangeValue;
                    errClipped = Math.min(Math.max(v[i][j], lo), hi) - ret[i][j];
                }
                // the clipped branch wins only when the clip moved V, where its gradient is 0
                boolean clippedWins = errClipped * errClipped > err * err;
                double l = 0.5 * (clippedWins ? errClipped * errClipped : err * err);
                rowSum += l;
                grad[i * t + j] = clippedWins ? 0 : vfCoef * c[i] * err;
                halfMaxSum += l;
                clipped += clippedWins ? 1 : 0;
                count++;
            }
            loss += vfCoef * c[i] * rowSum;
            perExample[i] = step.sequences() * vfCoef * c[i] * rowSum;
        }
        return ObjectiveResult.builder(loss, perExample)
                .grad("values", grad, in.values())
                .metric("loss/value_avg", halfMaxSum / count)
                .metric("val/clipfrac_avg", clipped / count)
                .build();
    }
}
