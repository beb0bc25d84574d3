package org.prefalign.algorithms.advantage;

/**
 * Masked whitening over every completion token of the batch, as TRL's and verl's
 * {@code masked_whiten}: (x − mean) / sqrt(var + 1e-8) with the unbiased (n − 1) variance of the
 * masked entries. With a single token the variance is undefined (TRL and verl raise); here the
 * result is then 0, the only value that is both centred and finite. Padding stays 0.
 */
final class Whitening {

    /** The variance floor under the square root (TRL, verl). */
    static final double EPSILON = 1e-8;

    private Whitening() {
    }

    static double[][] whiten(double[][] x, double[][] mask) {
        double n = 0;
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                n += mask[i][j];
                sum += mask[i][j] * x[i][j];
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                ss += mask[i][j] * (x[i][j] - mean) * (x[i][j] - mean);
            }
        }
        double var = n > 1 ? ss / (n - 1) : 0;
        double scale = 1 / Math.sqrt(var + EPSILON);
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = mask[i][j] == 0 ? 0 : (x[i][j] - mean) * scale;
            }
        }
        return out;
    }
}
