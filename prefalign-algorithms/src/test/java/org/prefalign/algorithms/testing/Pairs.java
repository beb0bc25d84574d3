package org.prefalign.algorithms.testing;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairwiseLogps;

/**
 * A batch of pairs in plain double arrays, for tests that perturb, split and recompute them;
 * {@code refChosen} and {@code refRejected} are {@code null} for reference-free pairs.
 */
public record Pairs(double[] policyChosen, double[] policyRejected, double[] refChosen, double[] refRejected,
                    double[] chosenTokens, double[] rejectedTokens) {

    /** Reference-free pairs. */
    public static Pairs referenceFree(double[] policyChosen, double[] policyRejected, double[] chosenTokens,
                                      double[] rejectedTokens) {
        return new Pairs(policyChosen, policyRejected, null, null, chosenTokens, rejectedTokens);
    }

    /**
     * Seeded random pairs with a reference: summed log-probs of −10 to −40 nats, log-ratios of
     * about ±{@code spread} nats, and completions of 5 to 55 tokens.
     */
    public static Pairs random(long seed, int b, double spread) {
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

    /** Seeded random reference-free pairs: 1–60 tokens, average log-probs in (−3, −0.05). */
    public static Pairs randomReferenceFree(long seed, int b) {
        Random rnd = new Random(seed);
        double[] pc = new double[b];
        double[] pr = new double[b];
        double[] tc = new double[b];
        double[] tr = new double[b];
        for (int i = 0; i < b; i++) {
            tc[i] = 1 + rnd.nextInt(60);
            tr[i] = 1 + rnd.nextInt(60);
            pc[i] = tc[i] * -(0.05 + 2.95 * rnd.nextDouble());
            pr[i] = tr[i] * -(0.05 + 2.95 * rnd.nextDouble());
        }
        return referenceFree(pc, pr, tc, tr);
    }

    public int size() {
        return policyChosen.length;
    }

    /** The policy log-probs as one vector [chosen..., rejected...], the point a gradient check perturbs. */
    public double[] policy() {
        return Vectors.concat(policyChosen, policyRejected);
    }

    /** The same pairs with the policy log-probs of {@link #policy()} replaced by {@code x}. */
    public Pairs withPolicy(double[] x) {
        int b = size();
        return new Pairs(Arrays.copyOfRange(x, 0, b), Arrays.copyOfRange(x, b, 2 * b), refChosen, refRejected,
                chosenTokens, rejectedTokens);
    }

    /** Pairs {@code from} (inclusive) to {@code to} (exclusive). */
    public Pairs slice(int from, int to) {
        return new Pairs(Arrays.copyOfRange(policyChosen, from, to), Arrays.copyOfRange(policyRejected, from, to),
                range(refChosen, from, to), range(refRejected, from, to),
                range(chosenTokens, from, to), range(rejectedTokens, from, to));
    }

    /** The sum of the chosen completions' token counts. */
    public double chosenTokenSum() {
        return Arrays.stream(chosenTokens).sum();
    }

    /** As inputs of {@code type}. */
    public PairwiseLogps logps(DataType type) {
        return new PairwiseLogps(Vectors.of(policyChosen, type), Vectors.of(policyRejected, type),
                vector(refChosen, type), vector(refRejected, type), vector(chosenTokens, type), vector(rejectedTokens, type));
    }

    /** As double inputs. */
    public PairwiseLogps logps() {
        return logps(DataType.DOUBLE);
    }

    /** d loss / d {@link #policy()} of a result. */
    public static double[] policyGradient(ObjectiveResult r) {
        return Vectors.concat(Inputs.values(r.grad("policyChosen")), Inputs.values(r.grad("policyRejected")));
    }

    private static double[] range(double[] x, int from, int to) {
        return x == null ? null : Arrays.copyOfRange(x, from, to);
    }

    private static INDArray vector(double[] x, DataType type) {
        return x == null ? null : Vectors.of(x, type);
    }
}
