package org.prefalign.algorithms.objective.unpaired;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.algorithms.objective.UnpairedObjective;

/**
 * KTO, Kahneman-Tversky Optimization (Ethayarajh, Xu, Muennighoff, Jurafsky and Kiela 2024,
 * arXiv:2402.01306): a prospect-theoretic value of each completion's implicit reward relative to a
 * reference point z₀, from unpaired desirable / undesirable labels. With r = log π_θ(y|x) −
 * log π_ref(y|x),
 *
 * <pre>  desirable:   ℓ = λ_D·(1 − σ(β·(r − z₀)))
 *   undesirable: ℓ = λ_U·(1 − σ(β·(z₀ − r)))
 *   z₀ = max(0, mean_j (log π_θ(y'_j|x_j) − log π_ref(y'_j|x_j)))</pre>
 *
 * z₀ estimates KL(π_θ ‖ π_ref) from mismatched pairs (x_j, y'_j) — a completion of another prompt
 * — and, as in the paper and TRL, is detached: it gets no gradient ({@code policyKl} has none).
 * The loss is Σ ℓ / S (TRL's mean over the batch); ℓ is {@link KahnemanTverskyValue}.
 *
 * <p>Hyper-parameters (TRL's {@code KTOConfig}): {@code beta} β &gt; 0 (0.1),
 * {@code desirable_weight} λ_D &gt; 0 (1.0), {@code undesirable_weight} λ_U &gt; 0 (1.0).
 * Metrics as TRL logs them: {@code kl} (z₀), {@code rewards/chosen}, {@code rewards/rejected},
 * {@code logps/chosen}, {@code logps/rejected}, {@code rewards/margins} (class means).
 *
 * <p>The reference point must be given. TRL silently uses z₀ = 0 when a batch has no mismatched
 * pairs; here {@link #compute(UnpairedLogps, StepNormalizer)} requires {@code policyKl} and
 * {@code refKl} and fails without them. z₀ = 0 on purpose is {@code apo_zero_unpaired}
 * ({@link ApoZeroUnpaired}), or an explicit {@code compute(in, step, 0.0)}.
 *
 * <p>Gradient accumulation: z₀ is a statistic of the batch's mismatched pairs, so micro-batches
 * that each estimate their own z₀ do not add up to one large batch (TRL's KTO has the same
 * property). For an exact split, estimate z₀ once over the whole step's mismatched pairs with
 * {@link #klEstimate} and give it to every micro-batch with
 * {@link #compute(UnpairedLogps, StepNormalizer, double)}.
 */
public final class Kto implements UnpairedObjective {

    public static final String TYPE = "kto";

    private final KahnemanTverskyValue value;

    private Kto(KahnemanTverskyValue value) {
        this.value = value;
    }

    /** Reads {@code beta}, {@code desirable_weight} and {@code undesirable_weight}. */
    public static Kto fromConfig(ObjectiveConfig cfg) {
        return new Kto(KahnemanTverskyValue.fromConfig(cfg));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The loss with z₀ estimated from this batch's mismatched pairs, which must be present. */
    @Override
    public ObjectiveResult compute(UnpairedLogps in, StepNormalizer step) {
        if (!in.hasKl()) {
            throw new IllegalArgumentException(TYPE + " needs the mismatched-pair log-probs policyKl and refKl for its "
                    + "KL reference point z0, got null; pass them, pass a precomputed z0 with compute(in, step, kl), "
                    + "or use type apo_zero_unpaired (z0 = 0)");
        }
        return compute(in, step, klEstimate(in.policyKl(), in.refKl()));
    }

    /**
     * The loss at a given reference point z₀ ≥ 0 (from {@link #klEstimate} over the whole step, for
     * exact gradient accumulation); the mismatched pairs of {@code in}, if any, are not used.
     */
    public ObjectiveResult compute(UnpairedLogps in, StepNormalizer step, double kl) {
        if (!(kl >= 0) || !Double.isFinite(kl)) {
            throw new IllegalArgumentException(TYPE + ": kl, the reference point z0 = max(0, mean KL estimate), must be "
                    + "a finite value >= 0, got " + kl);
        }
        return value.compute(in, step, kl);
    }

    /** z₀ = max(0, mean(policyKl − refKl)) over a set of mismatched pairs. */
    public static double klEstimate(INDArray policyKl, INDArray refKl) {
        long n = Inputs.batchOf(policyKl, "policyKl");
        Inputs.requireBatch(refKl, "refKl", n);
        double[] p = Inputs.values(policyKl);
        double[] q = Inputs.values(refKl);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i] - q[i];
        }
        return Math.max(0.0, sum / n);
    }
}
