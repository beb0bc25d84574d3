package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PolicyGradientObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.TokenLogps;
import org.prefalign.core.math.KlEstimator;

/**
 * The shared skeleton of the token-level policy-gradient losses: importance weights, the
 * per-token surrogate of a subclass, the optional KL term, the aggregation and the exact gradient.
 *
 * <p>For every completion token (m_{i,t} = 1) with importance weight w (see
 * {@link ImportanceWeights}) and advantage A, a subclass gives the surrogate loss ℓ(w, A, log π_θ);
 * with β &gt; 0 the k3 estimate of KL(π_θ ‖ π_ref) is added, as TRL's GRPO does:
 * <pre>
 *   ℓ_{i,t} = surrogate_{i,t} + β · (π_ref/π_θ − log(π_ref/π_θ) − 1)
 *   loss    = Σ_i c_i Σ_t m_{i,t} ℓ_{i,t}          (c_i from {@link LossAggregation})
 * </pre>
 * d loss / d log π_θ is exact: through w (ratio or sequence ratio), through log π_θ directly
 * (CISPO's term) and through the KL term. Per-example losses are S·c_i Σ_t m ℓ, so
 * {@code loss = Σ perExample / S} with S the step's sequence count.
 *
 * <p>Metrics, as batch means: {@code kl} (mean k3 per token, whenever reference log-probs are
 * given), {@code val/ratio}, {@code val/ratio_min}, {@code val/ratio_max} (importance weights),
 * {@code policy/approxkl_avg} (½·mean (log π_θ − log π_old)², TRL's PPO) and each loss's clip
 * fractions. A fraction averages over tokens, or over sequences when one weight and one advantage
 * hold for the whole sequence (TRL's {@code global_masked_mean}).
 */
public abstract class PolicyGradientLoss implements PolicyGradientObjective {

    private final String type;
    private final LossAggregation aggregation;
    private final boolean sequenceLevel;
    private final double beta;

    protected PolicyGradientLoss(String type, LossAggregation aggregation, boolean sequenceLevel, double beta) {
        this.type = type;
        this.aggregation = aggregation;
        this.sequenceLevel = sequenceLevel;
        this.beta = beta;
    }

    /** Reads TRL's {@code importance_sampling_level}: true for {@code "sequence"}. */
    static boolean readSequenceLevel(ObjectiveConfig cfg) {
        return cfg.choice("importance_sampling_level", "token", "token", "sequence").equals("sequence");
    }

    /** Reads TRL's {@code beta}, the coefficient of the k3 KL term (default 0: no reference needed). */
    static double readBeta(ObjectiveConfig cfg) {
        return cfg.nonNegative("beta", 0.0);
    }

    @Override
    public String type() {
        return type;
    }

    /** How the token losses are aggregated. */
    public LossAggregation aggregation() {
        return aggregation;
    }

    /** Whether the importance weight is GSPO's sequence ratio rather than the token ratio. */
    public boolean sequenceLevel() {
        return sequenceLevel;
    }

    /** The KL coefficient β. */
    public double beta() {
        return beta;
    }

    /**
     * One token's surrogate loss: writes ℓ into {@code out[0]}, ∂ℓ/∂w into {@code out[1]} and the
     * direct ∂ℓ/∂log π_θ (not through w) into {@code out[2]}.
     */
    protected abstract void surrogate(double w, double advantage, double logp, double[] out);

    /** Adds this loss's clip fractions. */
    protected abstract void clipMetrics(Tokens tokens, ObjectiveResult.Builder result);

    @Override
    public ObjectiveResult compute(TokenLogps in, StepNormalizer step) {
        if (beta > 0 && in.ref() == null) {
            throw new IllegalArgumentException("objective '" + type + "': 'beta' = " + beta
                    + " > 0 adds a KL term that needs reference log-probs (TokenLogps.ref), got null");
        }
        double[][] logp = TokenLogps.matrix(in.policy());
        double[][] old = in.old() == null ? null : TokenLogps.matrix(in.old());
        double[][] ref = in.ref() == null ? null : TokenLogps.matrix(in.ref());
        double[][] mask = TokenLogps.matrix(in.mask());
        double[][] adv = in.advantageMatrix();
        int b = logp.length;
        int t = logp[0].length;
        double[] tokens = TokenLogps.tokenCounts(mask);
        double[] c = aggregation.sequenceWeights(tokens, step, type);
        ImportanceWeights w = ImportanceWeights.of(logp, old, mask, tokens, sequenceLevel);

        double[][] dw = new double[b][t];
        double[][] grad = new double[b][t];
        double[][] kl = ref == null ? null : new double[b][t];
        double[] perExample = new double[b];
        double[] out = new double[3];
        double loss = 0;
        for (int i = 0; i < b; i++) {
            double rowSum = 0;
            for (int j = 0; j < t; j++) {
                if (mask[i][j] == 0) {
                    continue;
                }
                surrogate(w.at(i, j), adv[i][j], logp[i][j], out);
                double l = out[0];
                double dLogp = out[2];
                if (ref != null) {
                    kl[i][j] = KlEstimator.K3.value(logp[i][j], ref[i][j]);
                    if (beta > 0) {
                        l += beta * kl[i][j];
                        dLogp += beta * KlEstimator.K3.gradient(logp[i][j], ref[i][j]);
                    }
                }
                rowSum += l;
                dw[i][j] = c[i] * out[1];
                grad[i][j] = c[i] * dLogp;
            }
            loss += c[i] * rowSum;
            perExample[i] = step.sequences() * c[i] * rowSum;
        }
        w.backprop(dw, grad);

        double[] flat = new double[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(grad[i], 0, flat, i * t, t);
        }
        ObjectiveResult.Builder result = ObjectiveResult.builder(loss, perExample).grad("policy", flat, in.policy());
        Tokens view = new Tokens(w, adv, mask, tokens, sequenceLevel && !in.perTokenAdvantages());
        clipMetrics(view, result);
        if (kl != null) {
            result.metric("kl", view.tokenMean(kl));
        }
        double[] ratio = view.ratioStats();
        result.metric("val/ratio", ratio[0]).metric("val/ratio_min", ratio[1]).metric("val/ratio_max", ratio[2]);
        double[][] halfSquaredLogRatio = new double[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                halfSquaredLogRatio[i][j] = 0.5 * w.logRatio(i, j) * w.logRatio(i, j);
            }
        }
        result.metric("policy/approxkl_avg", view.tokenMean(halfSquaredLogRatio));
        return result.build();
    }

    /** A condition on a token's importance weight and advantage, for clip fractions. */
    @FunctionalInterface
    protected interface TokenCondition {
        boolean test(double w, double advantage);
    }

    /** The batch's weights and advantages, read by the metrics. */
    protected static final class Tokens {
        private final ImportanceWeights w;
        private final double[][] adv;
        private final double[][] mask;
        private final double[] tokens;
        private final boolean perSequence;

        private Tokens(ImportanceWeights w, double[][] adv, double[][] mask, double[] tokens, boolean perSequence) {
            this.w = w;
            this.adv = adv;
            this.mask = mask;
            this.tokens = tokens;
            this.perSequence = perSequence;
        }

        /**
         * The fraction of tokens meeting {@code condition}, or of sequences when one weight and one
         * advantage stand for the whole sequence.
         */
        public double fraction(TokenCondition condition) {
            double hits = 0;
            double count = 0;
            for (int i = 0; i < adv.length; i++) {
                if (perSequence) {
                    int j = firstToken(i);
                    count++;
                    if (j >= 0 && condition.test(w.at(i, j), adv[i][j])) {
                        hits++;
                    }
                    continue;
                }
                for (int j = 0; j < adv[i].length; j++) {
                    if (mask[i][j] != 0) {
                        count++;
                        if (condition.test(w.at(i, j), adv[i][j])) {
                            hits++;
                        }
                    }
                }
            }
            return hits / count;
        }

        /**
         * The smallest ({@code max = false}) or largest per-sequence fraction of tokens meeting
         * {@code condition}, over the sequences that have tokens (TRL's {@code clip_ratio/low_min},
         * {@code clip_ratio/high_max}).
         */
        public double sequenceExtreme(TokenCondition condition, boolean max) {
            double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (int i = 0; i < adv.length; i++) {
                if (tokens[i] == 0) {
                    continue;
                }
                double hits = 0;
                for (int j = 0; j < adv[i].length; j++) {
                    if (mask[i][j] != 0 && condition.test(w.at(i, j), adv[i][j])) {
                        hits++;
                    }
                }
                double f = hits / tokens[i];
                best = max ? Math.max(best, f) : Math.min(best, f);
            }
            return best;
        }

        /** The mean of {@code x} over the completion tokens. */
        double tokenMean(double[][] x) {
            double sum = 0;
            double count = 0;
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[i].length; j++) {
                    if (mask[i][j] != 0) {
                        sum += x[i][j];
                        count++;
                    }
                }
            }
            return sum / count;
        }

        /** {mean, min, max} of the importance weights (per sequence for sequence-level weights). */
        double[] ratioStats() {
            double sum = 0;
            double count = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < adv.length; i++) {
                for (int j = 0; j < adv[i].length; j++) {
                    if (mask[i][j] != 0) {
                        double r = w.at(i, j);
                        sum += r;
                        count++;
                        min = Math.min(min, r);
                        max = Math.max(max, r);
                        if (w.sequenceLevel()) {
                            break; // one weight per sequence
                        }
                    }
                }
            }
            return new double[] {sum / count, min, max};
        }

        private int firstToken(int i) {
            for (int j = 0; j < mask[i].length; j++) {
                if (mask[i][j] != 0) {
                    return j;
                }
            }
            return -1;
        }
    }
}
