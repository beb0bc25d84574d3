package org.prefalign.algorithms.objective.policy;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * A small batch that puts tokens in every clip region: B = 3 sequences of 3, 2 and 4 tokens
 * (T = 4, padding after), log-ratios chosen well away from every clip boundary so that finite
 * differences never straddle a kink.
 */
final class Fixture {

    static final double[][] MASK = {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}};
    static final double[][] POLICY = {{-1.2, -0.7, -2.1, -0.3}, {-0.9, -1.6, -5.0, -0.2}, {-2.4, -0.5, -1.1, -1.8}};
    /** log π_θ − log π_old: 0.5 → ratio 1.65, −0.5 → 0.61, −0.6 → 0.55, 0.4 → 1.49, 0.3 → 1.35. */
    static final double[][] LOG_RATIO = {{0.5, -0.5, 0.05, 0.2}, {-0.6, 0.4, 0.1, -0.3}, {0.1, -0.1, 0.3, -0.05}};
    static final double[][] REF = {{-1.0, -0.9, -2.0, -0.5}, {-1.1, -1.4, -4.0, -0.1}, {-2.2, -0.8, -1.0, -1.9}};
    static final double[] ADV_SEQ = {0.8, -1.3, 0.5};
    static final double[][] ADV_TOKEN = {{0.8, -0.4, 1.1, 0.3}, {-1.3, 0.7, 0.2, 0.1}, {0.5, -0.9, 0.6, -0.2}};

    private Fixture() {
    }

    static double[][] old() {
        return shift(POLICY, LOG_RATIO, -1);
    }

    /** x + sign · d, elementwise. */
    static double[][] shift(double[][] x, double[][] d, double sign) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = x[i][j] + sign * d[i][j];
            }
        }
        return out;
    }

    static double[][] adv(boolean perToken) {
        if (perToken) {
            return ADV_TOKEN;
        }
        double[][] a = new double[ADV_SEQ.length][MASK[0].length];
        for (int i = 0; i < a.length; i++) {
            java.util.Arrays.fill(a[i], ADV_SEQ[i]);
        }
        return a;
    }

    static INDArray m(double[][] x) {
        return x == null ? null : Nd4j.createFromArray(x);
    }

    static TokenLogps logps(double[][] policy, double[][] old, double[][] ref, boolean perToken, double[][] mask) {
        INDArray adv = perToken ? m(ADV_TOKEN) : Nd4j.createFromArray(ADV_SEQ);
        return new TokenLogps(m(policy), m(old), m(ref), adv, m(mask));
    }

    static TokenLogps logps(boolean withOld, boolean withRef, boolean perToken) {
        return logps(POLICY, withOld ? old() : null, withRef ? REF : null, perToken, MASK);
    }

    /** Any array's values, row-major. */
    static double[] values(INDArray a) {
        return a.dup().reshape(a.length()).toDoubleVector();
    }

    static double[] flat(double[][] x) {
        int t = x[0].length;
        double[] out = new double[x.length * t];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, out, i * t, t);
        }
        return out;
    }

    static double[][] unflat(double[] x, int t) {
        double[][] out = new double[x.length / t][t];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(x, i * t, out[i], 0, t);
        }
        return out;
    }
}
