package org.prefalign.algorithms.objective.referencefree;

import java.util.Arrays;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.PairwiseLogps;

/**
 * The completion log-probs a reference-free objective compares: the summed log π_θ(y | x) as
 * given (CPO), or its length average log π_θ(y | x) / |y| (TRL's {@code average_log_prob}, used
 * by SimPO and ORPO). {@code chosenScale[i]} and {@code rejectedScale[i]} are d compared /
 * d summed input (1 or 1/|y|): they carry a derivative back to the caller's inputs.
 */
record CompletionLogps(double[] chosen, double[] rejected, double[] chosenScale, double[] rejectedScale) {

    /** The summed log-probs themselves. */
    static CompletionLogps summed(PairwiseLogps in) {
        double[] ones = new double[in.batchSize()];
        Arrays.fill(ones, 1.0);
        return new CompletionLogps(Inputs.values(in.policyChosen()), Inputs.values(in.policyRejected()), ones, ones);
    }

    /** The length-averaged log-probs; {@code type} names the objective in the error when token counts are missing. */
    static CompletionLogps averaged(PairwiseLogps in, String type) {
        if (in.chosenTokens() == null) {
            throw new IllegalArgumentException(type + " compares length-averaged log-probs: chosenTokens and "
                    + "rejectedTokens are required, got null");
        }
        double[] chosenTokens = Inputs.values(in.chosenTokens());
        double[] rejectedTokens = Inputs.values(in.rejectedTokens());
        double[] chosen = Inputs.values(in.policyChosen());
        double[] rejected = Inputs.values(in.policyRejected());
        double[] chosenScale = new double[chosen.length];
        double[] rejectedScale = new double[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] /= chosenTokens[i];
            rejected[i] /= rejectedTokens[i];
            chosenScale[i] = 1 / chosenTokens[i];
            rejectedScale[i] = 1 / rejectedTokens[i];
        }
        return new CompletionLogps(chosen, rejected, chosenScale, rejectedScale);
    }
}
