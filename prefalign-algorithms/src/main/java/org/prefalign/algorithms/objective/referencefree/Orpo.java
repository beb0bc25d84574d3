package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.ChosenNll;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.core.math.StableMath;

/**
 * ORPO, monolithic preference optimization without a reference model (Hong, Lee and Thorne 2024,
 * arXiv:2403.07691): supervised fine-tuning on the chosen completions plus a penalty on the log
 * odds ratio of chosen over rejected,
 *
 * <pre>  loss = NLL(y_w) − β·mean_i log σ(L_i),
 *   L_i = log odds(a_i) − log odds(b_i),   log odds(p) = p − log(1 − e^p)</pre>
 *
 * where a_i, b_i are the length-averaged log-probs of the chosen and rejected completions (TRL's
 * {@code average_log_prob=True}), log(1 − e^p) is {@link StableMath#log1mexp}, and NLL is the
 * token mean over the step's chosen completions ({@link ChosenNll}). β is the paper's λ.
 *
 * <p>Hyper-parameters (TRL's {@code ORPOConfig}): {@code beta} β &gt; 0 (0.1).
 *
 * <p>Inputs: summed policy log-probs with completion token counts; no reference. The averaged
 * log-probs must be ≤ 0, and the rejected one &lt; 0: a rejected completion of probability 1 has
 * infinite odds and infinite loss. A chosen average of exactly 0 (every token of probability 1 in
 * float32) is allowed: L = +∞, the odds term is 0 and its gradient takes its finite limit.
 *
 * <p>Differences from TRL: TRL's decoder-only ORPO counts the prompt's tokens in the NLL too; the
 * objective sees only completion log-probs, so its NLL is the paper's, over the completion.
 */
public final class Orpo extends ReferenceFreeObjective {

    public static final String TYPE = "orpo";

    private Orpo(double beta) {
        super(TYPE, beta);
    }

    /** Reads {@code beta}. */
    public static Orpo fromConfig(ObjectiveConfig cfg) {
        return new Orpo(cfg.positive("beta", 0.1));
    }

    @Override
    public ObjectiveResult compute(PairwiseLogps in, StepNormalizer step) {
        CompletionLogps lp = CompletionLogps.averaged(in, TYPE);
        int n = in.batchSize();
        PairTerms t = PairTerms.of(n);
        double ratioSum = 0;
        double logOddsSum = 0;
        for (int i = 0; i < n; i++) {
            double a = lp.chosen()[i];
            double b = lp.rejected()[i];
            requireLogProbability(a, b, i);
            double logOdds = (a - b) - (StableMath.log1mexp(a) - StableMath.log1mexp(b));
            double ratio = StableMath.logSigmoid(logOdds);
            // d log σ(L)/da = σ(−L)/(1 − e^a), rewritten as 1/(e^{a−b} − 2e^a + 1) so that it stays
            // finite at a = 0; d log σ(L)/db = −σ(−L)/(1 − e^b) = −(that)·(1 − e^a)/(1 − e^b)
            double dRatioDa = 1 / (Math.expm1(a - b) - 2 * Math.expm1(a));
            t.loss()[i] = -beta * ratio;
            t.dChosen()[i] = -beta * dRatioDa;
            t.dRejected()[i] = beta * dRatioDa * Math.expm1(a) / Math.expm1(b);
            ratioSum += ratio;
            logOddsSum += logOdds;
        }
        return result(in, step, lp, t, 1.0)
                .metric("log_odds_ratio", ratioSum / n)
                .metric("log_odds_chosen", logOddsSum / n)
                .build();
    }

    private static void requireLogProbability(double chosen, double rejected, int i) {
        if (chosen > 0) {
            throw new IllegalArgumentException(TYPE + ": policyChosen[" + i + "] / chosenTokens[" + i + "] is an average "
                    + "log-probability and must be <= 0, got " + chosen);
        }
        if (!(rejected < 0)) {
            throw new IllegalArgumentException(TYPE + ": policyRejected[" + i + "] / rejectedTokens[" + i + "] is an "
                    + "average log-probability and must be < 0 (probability 1 has infinite odds), got " + rejected);
        }
    }
}
