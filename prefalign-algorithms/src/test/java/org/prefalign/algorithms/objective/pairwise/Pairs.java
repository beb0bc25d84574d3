package org.prefalign.algorithms.objective.pairwise;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairwiseLogps;

/**
 * Seeded random pair batches in plain double arrays, for tests that need to perturb, split and
 * recompute them.
 */
record Pairs(double[] policyChosen, double[] policyRejected, double[] refChosen, double[] refRejected,
             double[] chosenTokens, double[] rejectedTokens) {

    /**
     * Summed log-probs of −10 to −40 nats, log-ratios of about ±{@code spread} nats, and
     * completions of 5 to 55 tokens.
     */
    static Pairs random(long seed, int b, double spread) {
        Random rnd = new Random(seed);
        double[] pc = new double[b];
        double[] pr = new double[b];
        double[] rc = new double[b];
        double[] rr = new double[b];
        double[] tc = new double[b];
        double[] tr = new double[b];
        for (int i = 0; i < b; i++) {
            pc[i] = -10 - 30 * rnd.nextDouble();
            pr[i] = -10 - 30 * rnd.nextDouble();
            rc[i] = pc[i] - spread * rnd.nextGaussian();
            rr[i] = pr[i] - spread * rnd.nextGaussian();
            tc[i] = 5 + rnd.nextInt(51);
            tr[i] = 5 + rnd.nextInt(51);
        }
        return new Pairs(pc, pr, rc, rr, tc, tr);
    }

    int size() {
        return policyChosen.length;
    }

    /** The policy log-probs as one vector [chosen..., rejected...], the point a gradient check perturbs. */
    double[] policy() {
        return concat(policyChosen, policyRejected);
    }

    /** The same pairs with the policy log-probs of {@link #policy()} replaced by {@code x}. */
    Pairs withPolicy(double[] x) {
        int b = size();
        return new Pairs(Arrays.copyOfRange(x, 0, b), Arrays.copyOfRange(x, b, 2 * b), refChosen, refRejected,
                chosenTokens, rejectedTokens);
    }

    /** Pairs {@code from} (inclusive) to {@code to} (exclusive). */
    Pairs slice(int from, int to) {
        return new Pairs(Arrays.copyOfRange(policyChosen, from, to), Arrays.copyOfRange(policyRejected, from, to),
                Arrays.copyOfRange(refChosen, from, to), Arrays.copyOfRange(refRejected, from, to),
                Arrays.copyOfRange(chosenTokens, from, to), Arrays.copyOfRange(rejectedTokens, from, to));
    }

    /** As double inputs with reference and token counts. */
    PairwiseLogps logps() {
        return new PairwiseLogps(v(policyChosen), v(policyRejected), v(refChosen), v(refRejected), v(chosenTokens),
                v(rejectedTokens));
    }

    /** d loss / d {@link #policy()} of a result. */
    static double[] policyGradient(ObjectiveResult r) {
        return concat(Inputs.values(r.grad("policyChosen")), Inputs.values(r.grad("policyRejected")));
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static INDArray v(double[] x) {
        return Nd4j.createFromArray(x.clone());
    }
}
