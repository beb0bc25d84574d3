package org.prefalign.algorithms.objective.pairwise;

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
 * <p>The denominator is the step's token count ({@link StepNormalizer#tokens()}), so micro-batches
 * given the step's normaliser sum exactly to the large batch. Example i's share is reported as
 * {@code perExample_i = −log π_θ(y_w,i) · sequences / tokens}, so that, as for every pairwise
 * objective, loss = Σ perExample / sequences; TRL instead repeats the batch value for every example.
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
        double perSequence = step.sequences() / step.tokens();
        PairLosses out = new PairLosses(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.set(i, -r.policyChosen()[i] * perSequence, -perSequence, 0.0);
        }
        return out;
    }
}
