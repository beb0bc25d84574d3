package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;

/**
 * What KTO, APO-zero and BCO share: the log-ratio r = log π_θ(y|x) − log π_ref(y|x) of each
 * completion, and the assembly of a result from per-example losses ℓ_i(r_i) and slopes dℓ_i/dr_i
 * (loss = Σ ℓ_i / S, d loss / d policy_i = ℓ_i'(r_i) / S) with the metrics TRL's KTO and BCO
 * trainers log: per-class means of the implicit reward β·r ({@code rewards/chosen},
 * {@code rewards/rejected}) and of the policy log-probs ({@code logps/chosen},
 * {@code logps/rejected}), for the classes present in the batch, and {@code rewards/margins}
 * when both are.
 */
final class UnpairedResult {

    private UnpairedResult() {
    }

    /** r_i = policy_i − ref_i. */
    static double[] logRatios(UnpairedLogps in) {
        double[] policy = Inputs.values(in.policy());
        double[] ref = Inputs.values(in.ref());
        double[] r = new double[policy.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = policy[i] - ref[i];
        }
        return r;
    }

    static ObjectiveResult.Builder builder(UnpairedLogps in, StepNormalizer step, double beta, double[] logRatio,
                                           double[] loss, double[] slope) {
        int n = in.batchSize();
        double s = step.sequences();
        double[] policy = Inputs.values(in.policy());
        double[] grad = new double[n];
        double[] rewardSum = new double[2];
        double[] logpSum = new double[2];
        int[] count = new int[2];
        for (int i = 0; i < n; i++) {
            grad[i] = slope[i] / s;
            int c = in.desirable()[i] ? 0 : 1;
            rewardSum[c] += beta * logRatio[i];
            logpSum[c] += policy[i];
            count[c]++;
        }
        ObjectiveResult.Builder b = ObjectiveResult.builder(loss, step).grad("policy", grad, in.policy());
        String[] names = {"chosen", "rejected"};
        for (int c = 0; c < 2; c++) {
            if (count[c] > 0) {
                b.metric("rewards/" + names[c], rewardSum[c] / count[c]);
                b.metric("logps/" + names[c], logpSum[c] / count[c]);
            }
        }
        if (count[0] > 0 && count[1] > 0) {
            b.metric("rewards/margins", rewardSum[0] / count[0] - rewardSum[1] / count[1]);
        }
        return b;
    }
}
