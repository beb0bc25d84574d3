package org.prefalign.core.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The textbook two-pass computation in double, written without the kernels' code: for each row
 * the maximum, then Σ e^{x − max}; logp = x[y] − lse; gradient u·(onehot(y) − e^{x − lse}).
 */
final class TwoPassReference {

    final double[] logp;
    final double[] lse;
    final double[] grad;

    TwoPassReference(double[] x, int rows, int vocab, long[] targets, double[] upstream, long ignoreIndex) {
        logp = new double[rows];
        lse = new double[rows];
        grad = new double[rows * vocab];
        for (int r = 0; r < rows; r++) {
            if (targets[r] == ignoreIndex) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, x[r * vocab + v]);
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += Math.exp(x[r * vocab + v] - max);
            }
            lse[r] = max + Math.log(sum);
            logp[r] = x[r * vocab + (int) targets[r]] - lse[r];
            for (int v = 0; v < vocab; v++) {
                double p = Math.exp(x[r * vocab + v] - lse[r]);
                grad[r * vocab + v] = upstream[r] * ((v == targets[r] ? 1.0 : 0.0) - p);
            }
        }
    }

    static double[] values(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    static long[] ids(INDArray a) {
        return a.dup('c').reshape(a.length()).toLongVector();
    }
}
