package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.ChosenNll;
import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * SimPO, Simple Preference Optimization with a reference-free reward (Meng, Xia and Chen 2024,
 * arXiv:2405.14734): the implicit reward is the length-averaged log-probability, and the chosen
 * completion must win by a target margin γ:
 *
 * <pre>  ℓ_i = −log σ(β·(log π_θ(y_w|x)/|y_w| − log π_θ(y_l|x)/|y_l|) − γ)</pre>
 *
 * with TRL's label smoothing ε applied as in {@link LogisticLoss#smoothed}. γ ({@code simpo_gamma})
 * is in reward units, as in the paper; TRL writes the same loss as β·(Δ − γ/β).
 *
 * <p>Hyper-parameters (TRL's {@code CPOConfig} names and defaults): {@code beta} β &gt; 0 (0.1;
 * the paper tunes β in [2, 10]), {@code simpo_gamma} γ ≥ 0 (0.5), {@code label_smoothing} ε in
 * [0, 0.5) (0), {@code cpo_alpha} ≥ 0 (0, see below).
 *
 * <p>This is pure SimPO: no NLL term. TRL runs SimPO inside its CPO trainer, whose
 * {@code cpo_alpha} (default 1.0) adds CPO's chosen NLL ("CPO-SimPO"); here {@code cpo_alpha}
 * defaults to 0 and, when set, adds {@code cpo_alpha}·{@link ChosenNll}. TRL's {@code alphapo} is
 * SimPO with {@code cpo_alpha} 0 and AlphaPO's reward shaping {@code alpha}; with TRL's default
 * {@code alpha} = 0 that is this objective, and {@code alpha} ≠ 0 is not provided.
 *
 * <p>Inputs: summed policy log-probs with completion token counts; no reference.
 */
public final class SimPo extends ReferenceFreeObjective {

    public static final String TYPE = "simpo";

    private final double gamma;
    private final double labelSmoothing;
    private final double cpoAlpha;

    private SimPo(double beta, double gamma, double labelSmoothing, double cpoAlpha) {
        super(TYPE, beta);
        this.gamma = gamma;
        this.labelSmoothing = labelSmoothing;
        this.cpoAlpha = cpoAlpha;
    }

    /** Reads {@code beta}, {@code simpo_gamma}, {@code label_smoothing} and {@code cpo_alpha}. */
    public static SimPo fromConfig(ObjectiveConfig cfg) {
        return new SimPo(cfg.positive("beta", 0.1), cfg.nonNegative("simpo_gamma", 0.5),
                cfg.range("label_smoothing", 0.0, 0.0, false, 0.5, true), cfg.nonNegative("cpo_alpha", 0.0));
    }

    @Override
    public ObjectiveResult compute(PairwiseLogps in, StepNormalizer step) {
        CompletionLogps lp = CompletionLogps.averaged(in, TYPE);
        return result(in, step, lp, PairTerms.logistic(lp, beta, gamma, labelSmoothing), cpoAlpha).build();
    }
}
