package org.prefalign.core.autodiff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.prefalign.core.math.VectorMath;

/**
 * {@link RmsNorm} on the CPU with the Vector API, float32, row by row: one pass for the sum of
 * squares, one for the output; backward recomputes x̂ from x and the saved 1/rms. Lane sums are
 * {@link VectorMath#sum} and the scalar tails plain float arithmetic (which Java never fuses), so
 * the bits do not depend on the JIT.
 */
final class VectorRmsNorm {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorRmsNorm() {
    }

    /** y = x · r ⊙ w per row, r = (mean x² + ε)^{−1/2} saved into {@code r}. */
    static void forward(float[] x, float[] w, int rows, int dim, float eps, float[] y, float[] r) {
        int bound = SPECIES.loopBound(dim);
        for (int n = 0; n < rows; n++) {
            int o = n * dim;
            FloatVector acc = FloatVector.zero(SPECIES);
            int j = 0;
            for (; j < bound; j += SPECIES.length()) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, o + j);
                acc = v.fma(v, acc);
            }
            float ss = VectorMath.sum(acc);
            for (; j < dim; j++) {
                ss += x[o + j] * x[o + j];
            }
            float rn = (float) (1.0 / Math.sqrt(ss / dim + eps));
            r[n] = rn;
            j = 0;
            for (; j < bound; j += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, o + j).mul(rn).mul(FloatVector.fromArray(SPECIES, w, j)).intoArray(y, o + j);
            }
            for (; j < dim; j++) {
                y[o + j] = x[o + j] * rn * w[j];
            }
        }
    }

    /** dx = r (ĝ − x̂ · mean(ĝ ⊙ x̂)) with ĝ = g ⊙ w; dw = Σ_rows g ⊙ x̂ (both overwritten). */
    static void backward(float[] x, float[] w, float[] r, float[] g, int rows, int dim, float[] dx, float[] dw) {
        int bound = SPECIES.loopBound(dim);
        java.util.Arrays.fill(dw, 0f);
        for (int n = 0; n < rows; n++) {
            int o = n * dim;
            float rn = r[n];
            FloatVector acc = FloatVector.zero(SPECIES);
            int j = 0;
            for (; j < bound; j += SPECIES.length()) {
                FloatVector xHat = FloatVector.fromArray(SPECIES, x, o + j).mul(rn);
                FloatVector gv = FloatVector.fromArray(SPECIES, g, o + j);
                acc = gv.mul(FloatVector.fromArray(SPECIES, w, j)).fma(xHat, acc);
                gv.fma(xHat, FloatVector.fromArray(SPECIES, dw, j)).intoArray(dw, j);
            }
            float dot = VectorMath.sum(acc);
            for (; j < dim; j++) {
                float xHat = x[o + j] * rn;
                dot += g[o + j] * w[j] * xHat;
                dw[j] += g[o + j] * xHat;
            }
            float c = dot / dim;
            j = 0;
            for (; j < bound; j += SPECIES.length()) {
                FloatVector xHat = FloatVector.fromArray(SPECIES, x, o + j).mul(rn);
                FloatVector gHat = FloatVector.fromArray(SPECIES, g, o + j).mul(FloatVector.fromArray(SPECIES, w, j));
                gHat.sub(xHat.mul(c)).mul(rn).intoArray(dx, o + j);
            }
            for (; j < dim; j++) {
                dx[o + j] = (g[o + j] * w[j] - x[o + j] * rn * c) * rn;
            }
        }
    }
}
