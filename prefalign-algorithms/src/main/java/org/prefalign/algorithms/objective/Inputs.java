package org.prefalign.algorithms.objective;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.kernel.OffHeapValues;

/**
 * Validation and conversion of objective inputs. Every message names the input and what was
 * expected, so a caller's bug is found at the boundary rather than as a NaN loss later.
 */
public final class Inputs {

    private Inputs() {
    }

    /** The batch size of a required per-example vector. */
    public static long batchOf(INDArray a, String name) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is required, got null");
        }
        // emptiness first: an empty [0, K] is not a vector to ND4J, but its problem is that it is empty
        if (a.length() == 0) {
            throw new IllegalArgumentException(name + " is empty: a batch needs at least one example");
        }
        if (!a.isVectorOrScalar() || a.rank() > 2) {
            throw new IllegalArgumentException(name + " must be a vector [B], got shape " + shape(a));
        }
        requireFinite(a, name);
        return a.length();
    }

    /** Checks that {@code a} is a finite vector of {@code b} values. */
    public static void requireBatch(INDArray a, String name, long b) {
        long got = batchOf(a, name);
        if (got != b) {
            throw new IllegalArgumentException(name + " has " + got + " values but the batch has " + b);
        }
    }

    /** Checks that {@code a} is a vector of {@code b} positive token counts. */
    public static void requireCounts(INDArray a, String name, long b) {
        requireBatch(a, name, b);
        double[] v = a.toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0)) {
                throw new IllegalArgumentException(name + "[" + i + "] must be a token count > 0, got " + v[i]);
            }
        }
    }

    /** Checks a tensor of any shape for NaN and infinities. */
    public static void requireFinite(INDArray a, String name) {
        if (!a.dataType().isFPType()) {
            return;
        }
        double[] v = values(a);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + " must be finite, got " + v[i] + " at flat index " + i);
            }
        }
    }

    /**
     * The values of {@code a} in C order as doubles. Float and double arrays are read with one
     * bulk copy from their off-heap buffer; ND4J's element-wise {@code toDoubleVector} took about
     * a third of a pairwise objective's time.
     */
    public static double[] values(INDArray a) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            return a.dup().reshape(a.length()).toDoubleVector();
        }
        double[] out = new double[Math.toIntExact(a.length())];
        OffHeapValues.of(OffHeapValues.contiguous(a)).read(0, out, out.length);
        return out;
    }

    /** A gradient with the values {@code v}, in the type and shape of the input it differentiates. */
    public static INDArray like(double[] v, INDArray input) {
        INDArray out = Nd4j.createFromArray(v).reshape(input.shape());
        return input.dataType() == DataType.DOUBLE ? out : out.castTo(input.dataType());
    }

    /** A double vector. */
    public static INDArray vector(double[] v) {
        return Nd4j.createFromArray(v);
    }

    private static String shape(INDArray a) {
        return java.util.Arrays.toString(a.shape());
    }
}
