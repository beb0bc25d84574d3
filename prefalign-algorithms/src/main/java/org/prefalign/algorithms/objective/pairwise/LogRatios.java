package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.PairwiseLogps;

/**
 * A batch of pairs as the DPO family sees it: per pair the policy log-probs, the log-ratios
 * u = log π_θ − log π_ref of both completions (u = log π_θ when there is no reference), their
 * f-divergence scores s(u) with slopes ds/du, and the completion lengths where given.
 */
record LogRatios(double[] policyChosen, double[] policyRejected,
                 double[] chosen, double[] rejected,
                 double[] chosenScore, double[] rejectedScore,
                 double[] chosenScoreSlope, double[] rejectedScoreSlope,
                 double[] chosenTokens, double[] rejectedTokens) {

    static LogRatios of(PairwiseLogps in, FDivergence divergence) {
        double[] pc = Inputs.values(in.policyChosen());
        double[] pr = Inputs.values(in.policyRejected());
        double[] uc = pc.clone();
        double[] ur = pr.clone();
        if (in.hasReference()) {
            double[] rc = Inputs.values(in.refChosen());
            double[] rr = Inputs.values(in.refRejected());
            for (int i = 0; i < uc.length; i++) {
                uc[i] -= rc[i];
                ur[i] -= rr[i];
            }
        }
        double[] sc = new double[uc.length];
        double[] sr = new double[uc.length];
        double[] gc = new double[uc.length];
        double[] gr = new double[uc.length];
        for (int i = 0; i < uc.length; i++) {
            sc[i] = divergence.score(uc[i]);
            sr[i] = divergence.score(ur[i]);
            gc[i] = divergence.slope(uc[i]);
            gr[i] = divergence.slope(ur[i]);
        }
        double[] tc = in.chosenTokens() == null ? null : Inputs.values(in.chosenTokens());
        double[] tr = in.rejectedTokens() == null ? null : Inputs.values(in.rejectedTokens());
        return new LogRatios(pc, pr, uc, ur, sc, sr, gc, gr, tc, tr);
    }

    int size() {
        return policyChosen.length;
    }
}
