package org.prefalign.algorithms.advantage;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * Generalized Advantage Estimation (Schulman, Moritz, Levine, Jordan, Abbeel 2015,
 * arXiv:1506.02438), PPO's per-token advantages from a value head:
 *
 * <pre>
 *   δ_t = r_t + γ · V_{t+1} − V_t              (V after the last completion token = 0)
 *   Â_t = δ_t + γλ · Â_{t+1}
 *   R_t = Â_t + V_t                            (the value head's targets)
 *   A_t = (Â_t − mean Â) / sqrt(var Â + 1e-8)   (whitened over the batch's tokens, TRL/verl)
 * </pre>
 * r_t are the per-token rewards of {@link TokenRewards} (the outcome at the last token, optional
 * process rewards and KL penalty). Masked-out positions are skipped, as verl does, and get 0.
 * Defaults follow TRL's PPOConfig: γ = 1, λ = 0.95 ({@code lam}); {@code whiten_advantages} true.
 * The KL penalty ({@code kl_coef}) defaults to 0 here; TRL's PPOTrainer uses 0.05 with k1.
 *
 * <p>Needs {@code mask}, {@code values} and {@code rewards} and/or {@code tokenRewards}; returns
 * advantages and returns, both [B, T].
 */
public final class GaeEstimator implements AdvantageEstimator {

    private final double gamma;
    private final double lam;
    private final boolean whiten;
    private final KlPenalty kl;

    GaeEstimator(double gamma, double lam, boolean whiten, KlPenalty kl) {
        this.gamma = gamma;
        this.lam = lam;
        this.whiten = whiten;
        this.kl = kl;
    }

    /** Reads {@code gamma} (1.0), {@code lam} (0.95), {@code whiten_advantages} (true), {@code kl_coef}, {@code kl_estimator}. */
    public static GaeEstimator fromConfig(ObjectiveConfig cfg) {
        double gamma = cfg.range("gamma", 1.0, 0, false, 1, false);
        double lam = cfg.range("lam", 0.95, 0, false, 1, false);
        boolean whiten = cfg.bool("whiten_advantages", true);
        return new GaeEstimator(gamma, lam, whiten, KlPenalty.read(cfg));
    }

    @Override
    public String type() {
        return "gae";
    }

    @Override
    public Advantages estimate(AdvantageInput in) {
        double[][] mask = in.maskMatrix(type());
        if (in.values() == null) {
            throw new IllegalArgumentException("gae needs the value head's values [B, T] (AdvantageInput.withValues)");
        }
        double[][] v = TokenLogps.matrix(in.values());
        double[] outcome = in.rewards() == null ? null : in.rewardValues(type());
        double[][] r = TokenRewards.of(in, outcome, kl, type());
        int b = r.length;
        int t = r[0].length;
        double[][] adv = new double[b][t];
        double[][] ret = new double[b][t];
        for (int i = 0; i < b; i++) {
            double nextValue = 0;
            double nextAdv = 0;
            for (int j = t - 1; j >= 0; j--) {
                if (mask[i][j] == 0) {
                    continue;
                }
                double delta = r[i][j] + gamma * nextValue - v[i][j];
                adv[i][j] = delta + gamma * lam * nextAdv;
                ret[i][j] = adv[i][j] + v[i][j];
                nextValue = v[i][j];
                nextAdv = adv[i][j];
            }
        }
        double[][] a = whiten ? TokenRewards.whiten(adv, mask) : adv;
        return Advantages.perToken(a, ret);
    }
}
