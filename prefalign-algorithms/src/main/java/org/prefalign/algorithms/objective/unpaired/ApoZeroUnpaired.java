package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.algorithms.objective.UnpairedObjective;

/**
 * APO-zero, unpaired (D'Oosterlinck, Xu, Develder, Demeester, Singh, Potts, Kiela and Mehri 2024,
 * "Anchored Preference Optimization and Contrastive Revisions", arXiv:2408.06266, Eq. 7 in TRL's
 * unpaired form): raise the likelihood of desirable completions and lower that of undesirable ones,
 * each anchored at the reference model. With r = log π_θ(y|x) − log π_ref(y|x),
 *
 * <pre>  desirable:   ℓ = λ_D·(1 − σ(β·r))
 *   undesirable: ℓ = λ_U·σ(β·r)</pre>
 *
 * which is the {@link Kto} loss at reference point z₀ = 0; it needs no mismatched pairs
 * ({@code policyKl} / {@code refKl} are ignored). Use it when the desirable completions are better
 * than what the model generates by default. Every term is per example, so micro-batches given the
 * step's normaliser add up exactly to one large batch.
 *
 * <p>Hyper-parameters (TRL's {@code KTOConfig} with {@code loss_type="apo_zero_unpaired"}):
 * {@code beta} β &gt; 0 (0.1), {@code desirable_weight} λ_D &gt; 0 (1.0), {@code undesirable_weight}
 * λ_U &gt; 0 (1.0). Metrics as KTO's, with {@code kl} = 0 as TRL logs it.
 */
public final class ApoZeroUnpaired implements UnpairedObjective {

    public static final String TYPE = "apo_zero_unpaired";

    private final KahnemanTverskyValue value;

    private ApoZeroUnpaired(KahnemanTverskyValue value) {
        this.value = value;
    }

    /** Reads {@code beta}, {@code desirable_weight} and {@code undesirable_weight}. */
    public static ApoZeroUnpaired fromConfig(ObjectiveConfig cfg) {
        return new ApoZeroUnpaired(KahnemanTverskyValue.fromConfig(cfg));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectiveResult compute(UnpairedLogps in, StepNormalizer step) {
        return value.compute(in, step, 0.0);
    }
}
