package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ChosenNll;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * The supervised fine-tuning loss on the chosen completions — TRL's {@code sft}: the negative
 * log-likelihood of the chosen tokens, averaged over every chosen token of the batch (TRL's
 * cross-entropy over the masked chosen tokens), the generation term of MPO (Wang et al. 2024,
 * "Enhancing the Reasoning Ability of Multimodal Large Language Models via Mixed Preference
 * Optimization", arXiv:2411.10442) and the NLL term of RPO (Pang et al. 2024, arXiv:2404.19733):
 *
 * <pre>  loss = −Σ_i log π_θ(y_w,i | x_i) / Σ_i |y_w,i|</pre>
 *
 * <p>This is {@link ChosenNll} on its own: the denominator is the step's token count, so
 * micro-batches given the step's normaliser sum exactly to the large batch, and, as in TRL, every
 * pair carries an equal share of the batch NLL (the batch NLL itself for a batch on its own).
 * Needs the token counts, not the reference. The rejected completion gets a zero gradient.
 * Hyper-parameters: {@code beta} &gt; 0 (0.1), used only for the {@code rewards/*} metrics.
 */
public final class SftNll extends LogRatioObjective {

    public SftNll(ObjectiveConfig cfg) {
        super(cfg, FDivergence.REVERSE_KL);
    }

    @Override
    public boolean requiresReference() {
        return false;
    }

    @Override
    boolean requiresTokens() {
        return true;
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        ChosenNll nll = ChosenNll.of(r.policyChosen(), r.chosenTokens(), step);
        // PairLosses hold derivatives of Σ perExample = S·NLL
        double dSum = nll.gradient() * step.sequences();
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.set(i, nll.share(), dSum, 0.0);
        }
        return out;
    }
}
