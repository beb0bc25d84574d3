package org.prefalign.algorithms.objective;

/**
 * The metrics TRL's {@code DPOTrainer}, {@code CPOTrainer} and {@code ORPOTrainer} log for a batch
 * of pairs, as batch means: {@code rewards/chosen} and {@code rewards/rejected}, the implicit
 * rewards β·x of the log-ratios x (or, for reference-free objectives, of the compared log-probs);
 * {@code rewards/accuracies}, the fraction of pairs whose chosen reward is higher;
 * {@code rewards/margins}, chosen − rejected; and {@code logps/chosen}, {@code logps/rejected},
 * the log-probs the objective compares.
 */
public final class PairMetrics {

    private PairMetrics() {
    }

    /**
     * Adds {@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/accuracies} and
     * {@code rewards/margins} of the implicit rewards β·x.
     */
    public static ObjectiveResult.Builder rewards(ObjectiveResult.Builder out, double beta, double[] chosen,
                                                  double[] rejected) {
        int n = chosen.length;
        double chosenSum = 0;
        double rejectedSum = 0;
        double accurate = 0;
        for (int i = 0; i < n; i++) {
            double rc = beta * chosen[i];
            double rr = beta * rejected[i];
            chosenSum += rc;
            rejectedSum += rr;
            accurate += rc > rr ? 1 : 0;
        }
        return out.metric("rewards/chosen", chosenSum / n)
                .metric("rewards/rejected", rejectedSum / n)
                .metric("rewards/accuracies", accurate / n)
                .metric("rewards/margins", (chosenSum - rejectedSum) / n);
    }

    /** Adds {@code logps/chosen} and {@code logps/rejected}. */
    public static ObjectiveResult.Builder logps(ObjectiveResult.Builder out, double[] chosen, double[] rejected) {
        return out.metric("logps/chosen", mean(chosen)).metric("logps/rejected", mean(rejected));
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
