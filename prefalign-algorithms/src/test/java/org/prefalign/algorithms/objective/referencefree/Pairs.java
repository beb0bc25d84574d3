package org.prefalign.algorithms.objective.referencefree;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;

/** A batch of reference-free pairs in double arrays, and the plumbing the tests share. */
record Pairs(double[] chosen, double[] rejected, double[] chosenTokens, double[] rejectedTokens) {

    /** Seeded random pairs: 1–60 tokens, average log-probs in (−3, −0.05). */
    static Pairs random(long seed, int n) {
        Random r = new Random(seed);
        double[] c = new double[n];
        double[] rj = new double[n];
        double[] tc = new double[n];
        double[] tr = new double[n];
        for (int i = 0; i < n; i++) {
            tc[i] = 1 + r.nextInt(60);
            tr[i] = 1 + r.nextInt(60);
            c[i] = tc[i] * -(0.05 + 2.95 * r.nextDouble());
            rj[i] = tr[i] * -(0.05 + 2.95 * r.nextDouble());
        }
        return new Pairs(c, rj, tc, tr);
    }

    int size() {
        return chosen.length;
    }

    PairwiseLogps logps(DataType type) {
        return PairwiseLogps.referenceFree(vec(chosen, type), vec(rejected, type), vec(chosenTokens, type),
                vec(rejectedTokens, type));
    }

    PairwiseLogps logps() {
        return logps(DataType.DOUBLE);
    }

    /** The pairs [from, to). */
    Pairs slice(int from, int to) {
        return new Pairs(Arrays.copyOfRange(chosen, from, to), Arrays.copyOfRange(rejected, from, to),
                Arrays.copyOfRange(chosenTokens, from, to), Arrays.copyOfRange(rejectedTokens, from, to));
    }

    /** The same pairs with the log-probs replaced by {@code x} = [chosen..., rejected...]. */
    Pairs with(double[] x) {
        int n = size();
        return new Pairs(Arrays.copyOfRange(x, 0, n), Arrays.copyOfRange(x, n, 2 * n), chosenTokens, rejectedTokens);
    }

    /** [chosen..., rejected...]. */
    double[] flat() {
        return concat(chosen, rejected);
    }

    double[] grad(ObjectiveResult r) {
        return concat(r.grad("policyChosen").toDoubleVector(), r.grad("policyRejected").toDoubleVector());
    }

    double chosenTokenSum() {
        return Arrays.stream(chosenTokens).sum();
    }

    static PairwiseObjective objective(String json) {
        return Objectives.pairwise(json);
    }

    static StepNormalizer step(double sequences, double tokens) {
        return new StepNormalizer(sequences, tokens);
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Element-wise |expected − actual| ≤ rel·|expected| + 1e-15: relative even for small values. */
    static void assertRelative(String what, double[] expected, double[] actual, double rel) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], rel * Math.abs(expected[i]) + 1e-15,
                    what + "[" + i + "]");
        }
    }

    /** Element-wise |expected − actual| ≤ rel·max(1, |expected|). */
    static void assertClose(String what, double[] expected, double[] actual, double rel) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], rel * Math.max(1, Math.abs(expected[i])),
                    what + "[" + i + "]");
        }
    }

    private static org.nd4j.linalg.api.ndarray.INDArray vec(double[] v, DataType type) {
        return Nd4j.createFromArray(v).castTo(type);
    }
}
