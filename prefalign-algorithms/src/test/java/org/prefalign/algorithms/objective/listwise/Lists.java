package org.prefalign.algorithms.objective.listwise;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ListwiseLogps;
import org.prefalign.algorithms.objective.ObjectiveResult;

/** Test inputs for listwise objectives: plain double[B][K] tables turned into {@link ListwiseLogps}. */
final class Lists {

    private Lists() {
    }

    /** A [B, K] matrix of doubles, or {@code null}. */
    static INDArray m(double[][] v) {
        return v == null ? null : Nd4j.createFromArray(v);
    }

    /** One list as a [1, K] matrix. */
    static double[][] row(double... v) {
        return new double[][] {v};
    }

    /** The inputs of the given tables ({@code null} tables are absent inputs). */
    static ListwiseLogps of(double[][] policy, double[][] ref, double[][] scores, double[][] tokens, double[][] mask) {
        return new ListwiseLogps(m(policy), m(ref), m(scores), m(tokens), m(mask));
    }

    /** {@code in} with its policy replaced by the flat [B·K] values {@code flat}. */
    static ListwiseLogps withPolicy(ListwiseLogps in, double[] flat) {
        INDArray p = Nd4j.createFromArray(flat).reshape(in.policy().shape());
        return new ListwiseLogps(p, in.ref(), in.scores(), in.tokens(), in.mask());
    }

    /** The same inputs cast to {@code type}. */
    static ListwiseLogps cast(ListwiseLogps in, DataType type) {
        return new ListwiseLogps(in.policy().castTo(type), in.ref() == null ? null : in.ref().castTo(type),
                in.scores().castTo(type), in.tokens() == null ? null : in.tokens().castTo(type),
                in.mask() == null ? null : in.mask().castTo(type));
    }

    /** The rows {@code from .. to-1} of every input. */
    static ListwiseLogps rows(ListwiseLogps in, int from, int to) {
        return new ListwiseLogps(slice(in.policy(), from, to), slice(in.ref(), from, to), slice(in.scores(), from, to),
                slice(in.tokens(), from, to), slice(in.mask(), from, to));
    }

    private static INDArray slice(INDArray a, int from, int to) {
        if (a == null) {
            return null;
        }
        double[][] all = a.toDoubleMatrix();
        double[][] out = new double[to - from][];
        System.arraycopy(all, from, out, 0, to - from);
        return Nd4j.createFromArray(out);
    }

    /** d loss / d policy of a result, flat [B·K]. */
    static double[] grad(ObjectiveResult r) {
        return flat(r.grad("policy"));
    }

    /** Every permutation of 0..n-1. */
    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] p, boolean[] used, int at, List<int[]> out) {
        if (at == p.length) {
            out.add(p.clone());
            return;
        }
        for (int i = 0; i < p.length; i++) {
            if (!used[i]) {
                used[i] = true;
                p[at] = i;
                permute(p, used, at + 1, out);
                used[i] = false;
            }
        }
    }

    /** A flat copy of a [B, K] array. */
    static double[] flat(INDArray a) {
        return Inputs.values(a);
    }

    /**
     * Random full lists (no mask) with reference, token counts and scores that include ties:
     * policy in [−60, −5], ref = policy + N(0, 2), tokens in [3, 30], scores from {0, 0.25, ..., 1}.
     */
    static ListwiseLogps random(long seed, int b, int k) {
        Random r = new Random(seed);
        double[][] policy = new double[b][k];
        double[][] ref = new double[b][k];
        double[][] scores = new double[b][k];
        double[][] tokens = new double[b][k];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                policy[i][j] = -5 - 55 * r.nextDouble();
                ref[i][j] = policy[i][j] + 2 * r.nextGaussian();
                scores[i][j] = r.nextInt(5) * 0.25;
                tokens[i][j] = 3 + r.nextInt(28);
            }
        }
        return of(policy, ref, scores, tokens, null);
    }

    /**
     * Three lists padded to K = 5 (5, 3 and 2 present, padding in the middle and at the end),
     * with tied scores, and with {@code garbage} in every padded entry (token count 0 there).
     * Implicit rewards differ within each list, so LiPO's ranks do not flip under finite differences.
     */
    static ListwiseLogps padded(double garbage) {
        double g = garbage;
        double[][] mask = {{1, 1, 1, 1, 1}, {1, 0, 1, 1, 0}, {0, 1, 0, 0, 1}};
        double[][] policy = {{-12.5, -30.25, -8.0, -21.0, -15.5}, {-9.0, g, -14.5, -11.25, g}, {g, -19.0, g, g, -7.5}};
        double[][] ref = {{-13.0, -28.0, -9.5, -20.0, -17.25}, {-10.5, -g, -13.0, -12.0, g}, {g, -18.25, -g, g, -8.75}};
        double[][] scores = {{0.9, 0.1, 0.5, 0.5, 0.3}, {0.2, g, 0.8, 0.2, -g}, {g, 0.6, g, -g, 0.4}};
        double[][] tokens = {{5, 12, 4, 9, 7}, {6, 0, 10, 8, 0}, {0, 11, 0, 0, 3}};
        return of(policy, ref, scores, tokens, mask);
    }
}
