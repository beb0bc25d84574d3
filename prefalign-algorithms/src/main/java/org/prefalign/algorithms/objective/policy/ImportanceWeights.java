package org.prefalign.algorithms.objective.policy;

/**
 * The importance weight w of every completion token and the chain rule back to log π_θ.
 *
 * <ul>
 * <li>token level (PPO, GRPO): w_{i,t} = π_θ(y_{i,t}) / π_old(y_{i,t}) = exp(log π_θ − log π_old)</li>
 * <li>sequence level (GSPO, Zheng et al. 2025, arXiv:2507.18071): every token of sequence i
 *     carries s_i = (π_θ(y_i) / π_old(y_i))^{1/|y_i|} = exp((1/n_i) Σ_t m_{i,t} (log π_θ − log π_old)),
 *     the length-normalised sequence ratio (TRL's {@code importance_sampling_level="sequence"})</li>
 * </ul>
 *
 * <p>Without old log-probs the step is on-policy: π_old = stopgrad(π_θ), so w = 1 exactly and
 * dw/d log π_θ = 1 (token) or m_t / n_i (sequence), as autograd would give.
 */
final class ImportanceWeights {

    private final double[][] w;
    private final double[][] logRatio;
    private final double[][] mask;
    private final double[] tokens;
    private final boolean sequence;

    private ImportanceWeights(double[][] w, double[][] logRatio, double[][] mask, double[] tokens, boolean sequence) {
        this.w = w;
        this.logRatio = logRatio;
        this.mask = mask;
        this.tokens = tokens;
        this.sequence = sequence;
    }

    /** The weights of {@code logp} against {@code old} ({@code null}: on-policy) at the masked tokens. */
    static ImportanceWeights of(double[][] logp, double[][] old, double[][] mask, double[] tokens, boolean sequence) {
        int b = logp.length;
        int t = logp[0].length;
        double[][] w = new double[b][t];
        double[][] logRatio = new double[b][t];
        for (int i = 0; i < b; i++) {
            double seqLogRatio = 0;
            for (int j = 0; j < t; j++) {
                if (mask[i][j] != 0 && old != null) {
                    logRatio[i][j] = logp[i][j] - old[i][j];
                    seqLogRatio += logRatio[i][j];
                }
            }
            double s = Math.exp(seqLogRatio / Math.max(tokens[i], 1.0));
            for (int j = 0; j < t; j++) {
                if (mask[i][j] != 0) {
                    w[i][j] = sequence ? s : Math.exp(logRatio[i][j]);
                }
            }
        }
        return new ImportanceWeights(w, logRatio, mask, tokens, sequence);
    }

    /** w_{i,t} (0 at masked-out positions). */
    double at(int i, int t) {
        return w[i][t];
    }

    /** log π_θ − log π_old of a token (0 on-policy and at masked-out positions). */
    double logRatio(int i, int t) {
        return logRatio[i][t];
    }

    /** Whether every token of a sequence shares one weight. */
    boolean sequenceLevel() {
        return sequence;
    }

    /**
     * Adds d loss / d log π_θ to {@code grad}, given {@code dw} = d loss / d w_{i,t} for each token
     * (the total derivative through every token's weight).
     */
    void backprop(double[][] dw, double[][] grad) {
        for (int i = 0; i < dw.length; i++) {
            if (sequence) {
                double sum = 0;
                for (int j = 0; j < dw[i].length; j++) {
                    sum += mask[i][j] * dw[i][j];
                }
                if (sum == 0) {
                    continue; // also keeps an overflowed weight (∞ · 0) out of the gradient
                }
                double perToken = firstWeight(i) * sum / Math.max(tokens[i], 1.0);
                for (int j = 0; j < dw[i].length; j++) {
                    grad[i][j] += mask[i][j] * perToken;
                }
            } else {
                for (int j = 0; j < dw[i].length; j++) {
                    if (mask[i][j] != 0 && dw[i][j] != 0) {
                        grad[i][j] += dw[i][j] * w[i][j];
                    }
                }
            }
        }
    }

    private double firstWeight(int i) {
        for (int j = 0; j < mask[i].length; j++) {
            if (mask[i][j] != 0) {
                return w[i][j];
            }
        }
        return 0;
    }
}
