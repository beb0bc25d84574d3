package org.prefalign.algorithms.advantage;

import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.TokenLogps;
import org.prefalign.core.math.Whitening;

/**
 * Per-token rewards, their discounted returns and their whitening, shared by the token-level
 * estimators (GAE, REINFORCE++ and its baseline variant).
 *
 * <pre>
 *   r_{i,t} = tokenRewards_{i,t} + [t = last completion token of i] · outcome_i − kl_coef · KL_{i,t}
 *   G_{i,t} = r_{i,t} + γ · G_{i,t'}      (t' the next completion token; 0 after the last)
 * </pre>
 * Padding and other masked-out positions get 0 and are skipped by the recursion. A completion
 * with no tokens has nowhere to receive its outcome and contributes nothing.
 */
final class TokenRewards {

    private TokenRewards() {
    }

    /** r_{i,t} for {@code who}; {@code outcome} may be null (per-token rewards only). */
    static double[][] of(AdvantageInput in, double[] outcome, KlPenalty kl, String who) {
        double[][] mask = in.maskMatrix(who);
        double[][] r = in.tokenRewards() == null ? new double[mask.length][mask[0].length]
                : TokenLogps.matrix(in.tokenRewards());
        if (kl.coef() > 0) {
            if (in.logps() == null) {
                throw new IllegalArgumentException(who + ": 'kl_coef' = " + kl.coef() + " > 0 shapes the rewards with a"
                        + " KL penalty and needs logps and refLogps (AdvantageInput.withLogps), got null");
            }
            double[][] logp = TokenLogps.matrix(in.logps());
            double[][] ref = TokenLogps.matrix(in.refLogps());
            for (int i = 0; i < r.length; i++) {
                for (int j = 0; j < r[i].length; j++) {
                    if (mask[i][j] != 0) {
                        r[i][j] -= kl.coef() * kl.estimator().value(logp[i][j], ref[i][j]);
                    }
                }
            }
        }
        for (int i = 0; i < r.length; i++) {
            int last = -1;
            for (int j = 0; j < r[i].length; j++) {
                if (mask[i][j] == 0) {
                    r[i][j] = 0;
                } else {
                    last = j;
                }
            }
            if (outcome != null && last >= 0) {
                r[i][last] += outcome[i];
            }
        }
        return r;
    }

    /** G_{i,t}, the discounted sum of the rewards from t on. */
    static double[][] returns(double[][] r, double[][] mask, double gamma) {
        double[][] g = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            g[i] = new double[r[i].length];
            double running = 0;
            for (int j = r[i].length - 1; j >= 0; j--) {
                if (mask[i][j] != 0) {
                    running = r[i][j] + gamma * running;
                    g[i][j] = running;
                }
            }
        }
        return g;
    }

    /**
     * {@code x} whitened over the batch's completion tokens with TRL's {@code masked_whiten}
     * ({@link Whitening}: mean 0, unbiased variance, √(σ² + 1e-8)); padding stays 0. With a
     * single token the unbiased variance is undefined (TRL and verl raise); the result is then 0,
     * the only value that is both centred and finite.
     */
    static double[][] whiten(double[][] x, double[][] mask) {
        double n = 0;
        for (double[] row : mask) {
            for (double m : row) {
                n += m;
            }
        }
        double[][] out = new double[x.length][x[0].length];
        if (n < 2) {
            return out;
        }
        double[][] w = TokenLogps.matrix(Whitening.maskedWhiten(Nd4j.createFromArray(x), Nd4j.createFromArray(mask), true));
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = mask[i][j] == 0 ? 0 : w[i][j];
            }
        }
        return out;
    }
}
