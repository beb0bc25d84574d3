package org.prefalign.algorithms.objective.pairwise;

/**
 * Per-example losses of a batch with their derivatives: {@code dChosen[j]} is d(Σ_i value_i) /
 * d policyChosen_j, and likewise for the rejected side. For losses whose examples do not interact
 * only i = j contributes; batch-coupled losses (AOT's sorting) scatter into other indices.
 */
record PairLosses(double[] value, double[] dChosen, double[] dRejected) {

    PairLosses(int n) {
        this(new double[n], new double[n], new double[n]);
    }

    void set(int i, double loss, double dPolicyChosen, double dPolicyRejected) {
        value[i] = loss;
        dChosen[i] = dPolicyChosen;
        dRejected[i] = dPolicyRejected;
    }
}
