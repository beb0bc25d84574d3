package org.prefalign.algorithms.objective.listwise;

/**
 * Plackett-Luce DPO (type {@code listmle}): the negative log-likelihood of the score-sorted
 * ranking under a Plackett-Luce model on the implicit rewards.
 *
 * <pre>
 *   r_k = β·(log π_θ(y_k|x) − log π_ref(y_k|x))
 *   ℓ   = −log Π_t exp(r_(t)) / Σ_{i ≥ t} exp(r_(i))     (y_(1) ≻ … ≻ y_(n) sorted by score)
 * </pre>
 *
 * <p>Rafailov et al. 2023, "Direct Preference Optimization: Your Language Model is Secretly a
 * Reward Model" (arXiv:2305.18290), Appendix A.3 derives this DPO objective for Plackett-Luce
 * rankings; it is ListMLE (Xia et al. 2008, "Listwise Approach to Learning to Rank: Theory and
 * Algorithm") on implicit rewards, and LiPO's DPO<sub>PL</sub> (arXiv:2402.01878). For two
 * completions it is DPO's −log σ(β·((π_w − ref_w) − (π_l − ref_l))).
 *
 * <p>Equal scores are ties in the Breslow sense ({@link PlackettLuce}): tied completions stay in
 * each other's choice sets, so the loss does not depend on their column order.
 *
 * <p>Hyper-parameter: {@code beta} β &gt; 0, default 0.1 (DPO's default). Needs {@code ref}.
 */
public final class PlackettLuceDpo extends ImplicitRewardLoss {

    /** The registered type name. */
    public static final String TYPE = "listmle";

    public PlackettLuceDpo(double beta) {
        super(TYPE, beta);
    }

    @Override
    double loss(RankedList list, double[] r, double[] dr) {
        return PlackettLuce.negLogLikelihood(r, list, null, dr);
    }
}
