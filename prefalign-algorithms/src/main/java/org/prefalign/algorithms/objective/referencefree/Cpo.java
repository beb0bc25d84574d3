package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.ChosenNll;
import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * CPO, Contrastive Preference Optimization (Xu, Sharaf, Chen, Tan, Shen, Van Durme, Murray and
 * Kim 2024, arXiv:2401.08417): DPO's logistic loss with the reference model dropped (the limit of
 * a uniform reference), plus a behaviour-cloning NLL on the chosen completions:
 *
 * <pre>  loss = mean_i −log σ(β·(log π_θ(y_w,i|x_i) − log π_θ(y_l,i|x_i))) + α·NLL(y_w)</pre>
 *
 * on summed completion log-probs, with TRL's label smoothing ε ({@link LogisticLoss#smoothed}) and
 * NLL the token mean over the step's chosen completions ({@link ChosenNll}).
 *
 * <p>Hyper-parameters (TRL's {@code CPOConfig} names and defaults): {@code beta} β &gt; 0 (0.1),
 * {@code cpo_alpha} α ≥ 0 (1.0), {@code label_smoothing} ε in [0, 0.5) (0). With α &gt; 0 the
 * inputs need chosen token counts (the NLL is a token mean).
 *
 * <p>TRL's CPO trainer also offers {@code loss_type} {@code hinge} (relu(1 − β·Δ) on summed
 * log-probs) and {@code ipo} ((Δ − 1/(2β))² on averaged log-probs), each plus α·NLL. They are not
 * separate types here: {@code hinge} and {@code ipo} name the reference-based DPO-family losses,
 * which with zero reference log-probs are exactly these preference terms (without the NLL).
 * TRL's {@code simpo} is {@link SimPo} (which also explains {@code alphapo}).
 */
public final class Cpo extends ReferenceFreeObjective {

    public static final String TYPE = "cpo";

    private final double labelSmoothing;
    private final double cpoAlpha;

    private Cpo(double beta, double labelSmoothing, double cpoAlpha) {
        super(TYPE, beta);
        this.labelSmoothing = labelSmoothing;
        this.cpoAlpha = cpoAlpha;
    }

    /** Reads {@code beta}, {@code label_smoothing} and {@code cpo_alpha}. */
    public static Cpo fromConfig(ObjectiveConfig cfg) {
        return new Cpo(cfg.positive("beta", 0.1), cfg.range("label_smoothing", 0.0, 0.0, false, 0.5, true),
                cfg.nonNegative("cpo_alpha", 1.0));
    }

    @Override
    public ObjectiveResult compute(PairwiseLogps in, StepNormalizer step) {
        CompletionLogps lp = CompletionLogps.summed(in);
        return result(in, step, lp, PairTerms.logistic(lp, beta, 0, labelSmoothing), cpoAlpha).build();
    }
}
