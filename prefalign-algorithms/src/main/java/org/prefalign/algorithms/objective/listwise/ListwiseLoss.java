package org.prefalign.algorithms.objective.listwise;

import java.util.OptionalDouble;
import org.prefalign.algorithms.objective.ListwiseLogps;
import org.prefalign.algorithms.objective.ListwiseObjective;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * What every listwise objective shares: a loss per list, computed on its {@link RankedList}
 * (padding already dropped), summed and divided by the step's list count, with the gradient
 * scattered back to the padded [B, K] {@code policy} input (padding gets exactly 0).
 *
 * <p>Metrics, as batch means over lists: {@code rewards/best}, {@code rewards/worst} and
 * {@code rewards/margins} (the reward of the best- and worst-scored completion, and their
 * difference), {@code logps/best}, {@code logps/worst} (summed policy log-probs), and
 * {@code rewards/accuracies}: the fraction of all completion pairs with different scores whose
 * rewards are strictly in the same order (pairwise concordance, pooled over the batch; absent
 * when no list has two different scores). An objective's "reward" is its implicit reward
 * β·(log π_θ − log π_ref), or for reference-free ones the length-normalised log-prob. Objectives
 * with an SFT term also report {@code nll_loss}, its unweighted mean.
 */
abstract class ListwiseLoss implements ListwiseObjective {

    /**
     * One list's loss.
     *
     * @param value    the loss of the list
     * @param gradient d value / d log π_θ of each completion, in rank order
     * @param rewards  the rewards the metrics compare with the scores, in rank order
     * @param nll      the SFT term's unweighted NLL, when the objective has one
     */
    record ListLoss(double value, double[] gradient, double[] rewards, OptionalDouble nll) {
    }

    private final String type;
    private final boolean needsReference;
    private final boolean needsTokens;

    ListwiseLoss(String type, boolean needsReference, boolean needsTokens) {
        this.type = type;
        this.needsReference = needsReference;
        this.needsTokens = needsTokens;
    }

    /** The loss of one list. */
    abstract ListLoss loss(RankedList list);

    @Override
    public String type() {
        return type;
    }

    /** Whether the inputs must carry reference log-probs. */
    public boolean requiresReference() {
        return needsReference;
    }

    /** Whether the inputs must carry completion token counts. */
    public boolean requiresTokens() {
        return needsTokens;
    }

    @Override
    public ObjectiveResult compute(ListwiseLogps in, StepNormalizer step) {
        if (in == null || step == null) {
            throw new IllegalArgumentException("objective '" + type + "': inputs and step normalizer are required, got "
                    + (in == null ? "inputs=null" : "step=null"));
        }
        if (needsReference && !in.hasReference()) {
            throw new IllegalArgumentException("objective '" + type + "' needs reference log-probs: ListwiseLogps.ref is null");
        }
        if (needsTokens && !in.hasTokens()) {
            throw new IllegalArgumentException("objective '" + type + "' length-normalises and needs completion token counts:"
                    + " ListwiseLogps.tokens is null");
        }
        int k = in.listSize();
        RankedList[] lists = RankedList.of(in);
        double[] perExample = new double[lists.length];
        double[] grad = new double[lists.length * k];
        double best = 0, worst = 0, logpBest = 0, logpWorst = 0, nll = 0;
        long pairs = 0, concordant = 0;
        boolean hasNll = false;
        for (RankedList list : lists) {
            ListLoss l = loss(list);
            int b = list.index();
            int n = list.size();
            perExample[b] = l.value();
            for (int t = 0; t < n; t++) {
                grad[b * k + list.column(t)] = l.gradient()[t] / step.sequences();
            }
            double[] r = l.rewards();
            best += r[0];
            worst += r[n - 1];
            logpBest += list.policy(0);
            logpWorst += list.policy(n - 1);
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (list.score(i) > list.score(j)) {
                        pairs++;
                        concordant += r[i] > r[j] ? 1 : 0;
                    }
                }
            }
            if (l.nll().isPresent()) {
                hasNll = true;
                nll += l.nll().getAsDouble();
            }
        }
        int count = lists.length;
        ObjectiveResult.Builder out = ObjectiveResult.builder(perExample, step)
                .grad("policy", grad, in.policy())
                .metric("rewards/best", best / count)
                .metric("rewards/worst", worst / count)
                .metric("rewards/margins", (best - worst) / count);
        if (pairs > 0) {
            out.metric("rewards/accuracies", (double) concordant / pairs);
        }
        out.metric("logps/best", logpBest / count).metric("logps/worst", logpWorst / count);
        if (hasNll) {
            out.metric("nll_loss", nll / count);
        }
        return out.build();
    }

    /** Checks a hyper-parameter given in code (configs check theirs with the config's messages). */
    static double requirePositive(String type, String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("objective '" + type + "': '" + name + "' must be a finite number > 0, got " + v);
        }
        return v;
    }

    /** Checks a non-negative hyper-parameter given in code. */
    static double requireNonNegative(String type, String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("objective '" + type + "': '" + name + "' must be a finite number >= 0, got " + v);
        }
        return v;
    }
}
