package org.prefalign.algorithms.objective.policy;

/**
 * The policy-gradient losses written the way TRL's GRPOTrainer / PPOTrainer and OpenRLHF write
 * them: whole-tensor formulas over every position, masked afterwards. An independent forward
 * oracle for the objectives, which loop over masked tokens with branch-wise coefficients.
 */
final class TrlReference {

    private TrlReference() {
    }

    /** The options of one loss, as TRL's config names them. */
    static final class Options {
        String lossType = "grpo";
        double epsilon = 0.2;
        double epsilonHigh = 0.2;
        Double delta;
        Double dualClip;
        double beta;
        boolean sequence;
        int maxCompletionLength = 512;
    }

    /**
     * TRL {@code _compute_loss}: log_ratio, coef_1, coef_2, −min(coef_1·A, coef_2·A) (or CISPO's
     * −clamp(coef_1, max=ε_high)·A·logp), + β·k3, then the loss_type's aggregation.
     */
    static double loss(Options o, double[][] logp, double[][] old, double[][] ref, double[][] adv, double[][] mask) {
        int b = logp.length;
        int t = logp[0].length;
        double[][] perToken = new double[b][t];
        for (int i = 0; i < b; i++) {
            double seqNum = 0;
            double seqDen = 0;
            for (int j = 0; j < t; j++) {
                double lr = old == null ? 0 : logp[i][j] - old[i][j];
                seqNum += lr * mask[i][j];
                seqDen += mask[i][j];
            }
            double seqLogWeight = seqNum / Math.max(seqDen, 1);
            for (int j = 0; j < t; j++) {
                double lr = old == null ? 0 : logp[i][j] - old[i][j];
                double coef1 = Math.exp(o.sequence ? seqLogWeight : lr);
                double a = adv[i][j];
                double l;
                if (o.lossType.equals("cispo")) {
                    l = -Math.min(coef1, o.epsilonHigh) * a * logp[i][j];
                } else {
                    double coef2 = Math.min(Math.max(coef1, 1 - o.epsilon), 1 + o.epsilonHigh);
                    if (o.delta != null) {
                        coef1 = Math.min(coef1, o.delta);
                    }
                    double clip1 = Math.min(coef1 * a, coef2 * a);
                    if (o.dualClip != null && a < 0) {
                        clip1 = Math.max(clip1, o.dualClip * a); // OpenRLHF's dual clip
                    }
                    l = -clip1;
                }
                if (o.beta != 0) {
                    double d = ref[i][j] - logp[i][j];
                    l += o.beta * (Math.exp(d) - d - 1);
                }
                perToken[i][j] = l;
            }
        }
        switch (o.lossType) {
            case "grpo", "gspo": {
                double sum = 0;
                for (int i = 0; i < b; i++) {
                    double num = 0;
                    double den = 0;
                    for (int j = 0; j < t; j++) {
                        num += perToken[i][j] * mask[i][j];
                        den += mask[i][j];
                    }
                    sum += num / Math.max(den, 1);
                }
                return sum / b;
            }
            case "dr_grpo": {
                double num = 0;
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        num += perToken[i][j] * mask[i][j];
                    }
                }
                return num / (b * (double) o.maxCompletionLength);
            }
            case "seq-mean-token-sum": {
                double num = 0;
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        num += perToken[i][j] * mask[i][j];
                    }
                }
                return num / b;
            }
            default: { // ppo (masked_mean), bnpo, dapo, cispo
                double num = 0;
                double den = 0;
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        num += perToken[i][j] * mask[i][j];
                        den += mask[i][j];
                    }
                }
                return num / den;
            }
        }
    }

    /** TRL PPOTrainer's value loss: 0.5 · masked_mean(max((v − R)², (clamp(v, old ± c) − R)²)), times vf_coef. */
    static double valueLoss(double[][] v, double[][] old, double[][] ret, double[][] mask, double c, double vfCoef) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v[i].length; j++) {
                double clipped = Math.min(Math.max(v[i][j], old[i][j] - c), old[i][j] + c);
                double l1 = (v[i][j] - ret[i][j]) * (v[i][j] - ret[i][j]);
                double l2 = (clipped - ret[i][j]) * (clipped - ret[i][j]);
                num += Math.max(l1, l2) * mask[i][j];
                den += mask[i][j];
            }
        }
        return vfCoef * 0.5 * num / den;
    }
}
