package org.prefalign.algorithms.objective.listwise;

import java.util.OptionalDouble;

/**
 * A listwise loss of DPO's implicit rewards r_k = β·(log π_θ(y_k|x) − log π_ref(y_k|x)) (Rafailov
 * et al. 2023, arXiv:2305.18290): it holds β, needs {@code ref}, and applies the chain rule
 * d r_k / d log π_θ(y_k|x) = β once. A subclass only says what a list's loss of its rewards is.
 */
abstract class ImplicitRewardLoss extends ListwiseLoss {

    private final double beta;

    ImplicitRewardLoss(String type, double beta) {
        super(type, true, false);
        this.beta = requirePositive(type, "beta", beta);
    }

    public double beta() {
        return beta;
    }

    /**
     * The loss of one list given its implicit rewards {@code r} in rank order; adds d loss / d r_t
     * to {@code dr}.
     */
    abstract double loss(RankedList list, double[] r, double[] dr);

    @Override
    final ListLoss loss(RankedList list) {
        double[] r = list.implicitRewards(beta);
        double[] dr = new double[r.length];
        double value = loss(list, r, dr);
        for (int t = 0; t < dr.length; t++) {
            dr[t] *= beta;
        }
        return new ListLoss(value, dr, r, OptionalDouble.empty());
    }
}
