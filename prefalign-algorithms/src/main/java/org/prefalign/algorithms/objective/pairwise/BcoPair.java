package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.RunningMoments;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * Binary Classifier Optimization on pairs (Jung, Han, Shin, Shin and Lee 2024, "Binary Classifier
 * Optimization for Large Language Model Alignment", arXiv:2404.04656) — TRL's {@code bco_pair}:
 * the implicit reward r = β·u is the logit of a classifier that maps chosen completions to 1 and
 * rejected ones to 0, shifted by the running reward mean δ:
 *
 * <pre>  ℓ = −log σ(r_w − δ) − log σ(−(r_l − δ)),   r = β·u,   u = log π_θ(y|x) − log π_ref(y|x)</pre>
 *
 * <p><b>The running mean is training state.</b> δ is the mean of the rewards (chosen and rejected)
 * of all <em>previous</em> {@code compute} calls — "the moving average of previous rewards", as
 * MPO (Wang et al. 2024, arXiv:2411.10442) describes it — held in a {@link RunningMoments}; each
 * call uses the current δ as a detached constant and then merges its own 2B rewards. A fresh
 * objective therefore has δ = 0, which is TRL's {@code bco_pair} at commit f2cd577 (it dropped δ);
 * TRL's earlier {@code bco_pair} merged the batch first. Checkpoints must save
 * {@link #rewardMoments()}{@code .state()} and restore it. Under gradient accumulation δ still
 * moves once per call, i.e. once per micro-batch, so k micro-batches are not exactly one batch k
 * times larger; evaluation calls also move it. Not thread-safe.
 *
 * <p>Hyper-parameters: {@code beta} &gt; 0 (0.1), {@code f_divergence_type} (reverse_kl; r = β·s(u)).
 */
public final class BcoPair extends LogRatioObjective {

    private final RunningMoments rewardMoments = new RunningMoments();

    public BcoPair(ObjectiveConfig cfg) {
        super(cfg, FDivergence.from(cfg));
    }

    /** The running moments of the implicit rewards, whose mean is δ; save and restore it with checkpoints. */
    public RunningMoments rewardMoments() {
        return rewardMoments;
    }

    @Override
    PairLosses losses(LogRatios r, StepNormalizer step) {
        int b = r.size();
        double delta = rewardMoments.mean();
        double[] rewards = new double[2 * b];
        PairLosses out = new PairLosses(b);
        for (int i = 0; i < b; i++) {
            double rw = beta * r.chosenScore()[i];
            double rl = beta * r.rejectedScore()[i];
            rewards[i] = rw;
            rewards[b + i] = rl;
            double loss = LogisticLoss.nll(rw - delta) + LogisticLoss.nll(delta - rl);
            out.set(i, loss, beta * LogisticLoss.nllSlope(rw - delta) * r.chosenScoreSlope()[i],
                    -beta * LogisticLoss.nllSlope(delta - rl) * r.rejectedScoreSlope()[i]);
        }
        rewardMoments.update(rewards);
        return out;
    }
}
