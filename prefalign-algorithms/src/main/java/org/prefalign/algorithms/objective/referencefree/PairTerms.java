package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.LogisticLoss;

/**
 * The per-pair preference losses of a reference-free objective and their derivatives with respect
 * to the compared chosen and rejected log-probs (see {@link CompletionLogps}).
 */
record PairTerms(double[] loss, double[] dChosen, double[] dRejected) {

    static PairTerms of(int n) {
        return new PairTerms(new double[n], new double[n], new double[n]);
    }

    /**
     * The logistic terms ℓ(β·(chosen − rejected) − margin) of CPO (margin 0) and SimPO (margin γ),
     * with ℓ the label-smoothed −log σ of {@link LogisticLoss#smoothed} (TRL's {@code label_smoothing} ε).
     */
    static PairTerms logistic(CompletionLogps lp, double beta, double margin, double labelSmoothing) {
        PairTerms t = of(lp.chosen().length);
        for (int i = 0; i < lp.chosen().length; i++) {
            double z = beta * (lp.chosen()[i] - lp.rejected()[i]) - margin;
            t.loss[i] = LogisticLoss.smoothed(z, labelSmoothing);
            double dz = beta * LogisticLoss.smoothedSlope(z, labelSmoothing);
            t.dChosen[i] = dz;
            t.dRejected[i] = -dz;
        }
        return t;
    }
}
