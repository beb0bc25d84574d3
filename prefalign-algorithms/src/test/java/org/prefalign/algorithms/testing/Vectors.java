package org.prefalign.algorithms.testing;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Plain double arrays to and from test inputs. */
public final class Vectors {

    private Vectors() {
    }

    /** A vector [n] of {@code v} in {@code type}, independent of {@code v}. */
    public static INDArray of(double[] v, DataType type) {
        return Nd4j.createFromArray(v.clone()).castTo(type);
    }

    /** A double vector [n] of {@code v}, independent of {@code v}. */
    public static INDArray of(double[] v) {
        return of(v, DataType.DOUBLE);
    }

    /** [a..., b...]. */
    public static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
