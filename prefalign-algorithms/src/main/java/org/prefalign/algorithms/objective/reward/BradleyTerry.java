package org.prefalign.algorithms.objective.reward;

import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.RewardObjective;
import org.prefalign.algorithms.objective.RewardScores;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * The Bradley-Terry reward-model loss (Bradley and Terry 1952, "Rank Analysis of Incomplete Block
 * Designs: I. The Method of Paired Comparisons"; as a reward model, Ouyang et al. 2022,
 * arXiv:2203.02155): the negative log-likelihood that the chosen completion wins under
 * P(y_w ≻ y_l) = σ(r_w − r_l), with an optional per-pair margin m (Touvron et al. 2023, Llama 2,
 * arXiv:2307.09288) and the reward-centering penalty of Eisenstein et al. 2023 (arXiv:2312.09244,
 * Eq. 2) that keeps rewards near zero mean:
 *
 * <pre>  ℓ_i = −log σ(r_w,i − r_l,i − m_i) + c·(r_w,i + r_l,i)²</pre>
 *
 * The loss is Σ ℓ / S, TRL's {@code RewardTrainer} loss (−logσ(…).mean() + c·mean((r_w + r_l)²))
 * for one batch; every term is per pair, so micro-batches given the step's normaliser add up
 * exactly. Gradients are with respect to the scores {@code chosen} and {@code rejected}.
 *
 * <p>Hyper-parameters (TRL's {@code RewardConfig}): {@code center_rewards_coefficient} c ≥ 0
 * (TRL's default None, i.e. 0; it recommends 0.01). Metrics: TRL's {@code accuracy} (share of
 * pairs with r_w &gt; r_l, margin not counted), {@code margin} (mean r_w − r_l),
 * {@code mean_reward}, {@code min_reward}, {@code max_reward} over all scores, and the means
 * {@code rewards/chosen} and {@code rewards/rejected}.
 */
public final class BradleyTerry implements RewardObjective {

    public static final String TYPE = "bradley_terry";

    private final double centerCoefficient;

    private BradleyTerry(double centerCoefficient) {
        this.centerCoefficient = centerCoefficient;
    }

    /** Reads {@code center_rewards_coefficient}. */
    public static BradleyTerry fromConfig(ObjectiveConfig cfg) {
        return new BradleyTerry(cfg.nonNegative("center_rewards_coefficient", 0.0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectiveResult compute(RewardScores in, StepNormalizer step) {
        double[] chosen = Inputs.values(in.chosen());
        double[] rejected = Inputs.values(in.rejected());
        double[] margin = in.margin() == null ? new double[chosen.length] : Inputs.values(in.margin());
        int n = chosen.length;
        double s = step.sequences();
        double[] loss = new double[n];
        double[] gradChosen = new double[n];
        double[] gradRejected = new double[n];
        double chosenSum = 0;
        double rejectedSum = 0;
        double wins = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double d = chosen[i] - rejected[i] - margin[i];
            double total = chosen[i] + rejected[i];
            loss[i] = LogisticLoss.nll(d) + centerCoefficient * total * total;
            double dLogistic = LogisticLoss.nllSlope(d);
            double dCenter = 2 * centerCoefficient * total;
            gradChosen[i] = (dLogistic + dCenter) / s;
            gradRejected[i] = (-dLogistic + dCenter) / s;
            chosenSum += chosen[i];
            rejectedSum += rejected[i];
            wins += chosen[i] > rejected[i] ? 1 : 0;
            min = Math.min(min, Math.min(chosen[i], rejected[i]));
            max = Math.max(max, Math.max(chosen[i], rejected[i]));
        }
        return ObjectiveResult.builder(loss, step)
                .grad("chosen", gradChosen, in.chosen())
                .grad("rejected", gradRejected, in.rejected())
                .metric("accuracy", wins / n)
                .metric("margin", (chosenSum - rejectedSum) / n)
                .metric("mean_reward", (chosenSum + rejectedSum) / (2 * n))
                .metric("min_reward", min)
                .metric("max_reward", max)
                .metric("rewards/chosen", chosenSum / n)
                .metric("rewards/rejected", rejectedSum / n)
                .build();
    }
}
