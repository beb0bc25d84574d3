package org.prefalign.algorithms.objective;

/**
 * The negative log-likelihood of the chosen completions as a token mean over the optimizer step,
 *
 * <pre>  NLL = Σ_i −log π_θ(y_w,i | x_i) / N</pre>
 *
 * with N = {@link StepNormalizer#tokens()} the step's chosen-completion tokens — TRL's
 * {@code CrossEntropyLoss} over the chosen labels, a mean over tokens rather than over pairs. It is
 * the supervised term of TRL's {@code sft} loss type (the generation term of MPO, Wang et al. 2024,
 * arXiv:2411.10442, and the NLL term of RPO, Pang et al. 2024, arXiv:2404.19733), of CPO's
 * behaviour cloning ({@code cpo_alpha}, Xu et al. 2024, arXiv:2401.08417) and of ORPO (Hong, Lee
 * and Thorne 2024, arXiv:2403.07691).
 *
 * <p>NLL is a batch-level scalar, not a per-pair quantity, and TRL broadcasts it to every pair. In
 * a micro-batch of B pairs of a step of S pairs each pair carries the equal share
 * (S / B)·Σ_{j in batch} −log π_θ(y_w,j | x_j) / N, so Σ perExample / S holds exactly the
 * micro-batch's part of the step's NLL and micro-batches add up to the NLL of the whole step. For
 * a batch on its own (S = B) every pair carries the batch NLL itself, as TRL reports it.
 *
 * @param share     each pair's per-example share (S / B)·Σ_j −log π_θ(y_w,j) / N
 * @param gradient  d NLL / d log π_θ(y_w,i) = −1/N, the same for every pair
 * @param batchMean this micro-batch's own token mean Σ −log π_θ(y_w) / Σ |y_w|, TRL's {@code nll_loss}
 */
public record ChosenNll(double share, double gradient, double batchMean) {

    /**
     * The NLL term of a batch's summed chosen log-probs and chosen token counts.
     *
     * @param step the optimizer step whose tokens N normalise the NLL
     */
    public static ChosenNll of(double[] policyChosen, double[] chosenTokens, StepNormalizer step) {
        double nllSum = 0;
        double tokens = 0;
        for (int i = 0; i < policyChosen.length; i++) {
            nllSum -= policyChosen[i];
            tokens += chosenTokens[i];
        }
        return new ChosenNll(step.sequences() / policyChosen.length * nllSum / step.tokens(), -1 / step.tokens(),
                nllSum / tokens);
    }

    /**
     * The NLL term of {@code in}, whose chosen token counts it needs; {@code type} names the
     * objective in the error when they are missing.
     */
    public static ChosenNll of(PairwiseLogps in, StepNormalizer step, String type) {
        if (in.chosenTokens() == null) {
            throw new IllegalArgumentException(type + " adds the chosen completions' NLL, a token mean: chosenTokens and "
                    + "rejectedTokens are required, got null");
        }
        return of(Inputs.values(in.policyChosen()), Inputs.values(in.chosenTokens()), step);
    }
}
