package org.prefalign.core.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The checked inputs of a token log-prob kernel: shapes, and the targets read onto the host with
 * ignored positions marked. Every message names the input and the accepted range.
 */
final class TokenLogProbInputs {

    /** Marks an ignored position in {@link #targets}. */
    static final int IGNORED = -1;

    final int batch;
    final int time;
    final int vocab;
    /** Target ids in C order over [B, T]; {@link #IGNORED} where the ignore index was given. */
    final int[] targets;

    private TokenLogProbInputs(int batch, int time, int vocab, int[] targets) {
        this.batch = batch;
        this.time = time;
        this.vocab = vocab;
        this.targets = targets;
    }

    /** Checks {@code logits [B, T, V]} (FLOAT or DOUBLE) and {@code targets [B, T]} (integer ids). */
    static TokenLogProbInputs check(INDArray logits, INDArray targets, int ignoreIndex) {
        if (logits == null || logits.rank() != 3) {
            throw new IllegalArgumentException("logits must be [B, T, V], got "
                    + (logits == null ? "null" : "shape " + Arrays.toString(logits.shape())));
        }
        if (logits.dataType() != DataType.FLOAT && logits.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("logits must be FLOAT or DOUBLE, got " + logits.dataType()
                    + " (cast it first)");
        }
        long[] s = logits.shape();
        if (s[0] < 1 || s[1] < 1 || s[2] < 1 || s[2] > Integer.MAX_VALUE || s[0] * s[1] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("logits [B, T, V] needs B, T, V >= 1, V and B*T below 2^31, got "
                    + Arrays.toString(s));
        }
        int b = (int) s[0];
        int t = (int) s[1];
        int v = (int) s[2];
        requireShape(targets, "targets", b, t);
        if (!targets.dataType().isIntType()) {
            throw new IllegalArgumentException("targets must hold integer token ids (INT or LONG), got "
                    + targets.dataType());
        }
        long[] raw = targets.dup('c').reshape(targets.length()).toLongVector();
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ignoreIndex) {
                ids[i] = IGNORED;
            } else if (raw[i] < 0 || raw[i] >= v) {
                throw new IllegalArgumentException("targets" + position(i, t) + " = " + raw[i]
                        + " is outside the vocabulary [0, " + v + ") and is not the ignore index " + ignoreIndex);
            } else {
                ids[i] = (int) raw[i];
            }
        }
        return new TokenLogProbInputs(b, t, v, ids);
    }

    /** Checks that {@code a} is a floating-point [B, T] array and returns its values in C order. */
    double[] rowValues(INDArray a, String name) {
        requireShape(a, name, batch, time);
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(name + " must be floating point, got " + a.dataType());
        }
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    /** A [B, T] array of {@code type} holding {@code values} (C order). */
    INDArray matrix(double[] values, DataType type) {
        INDArray m = Nd4j.createFromArray(values).reshape(batch, time);
        return type == DataType.DOUBLE ? m : m.castTo(type);
    }

    /** Checks that {@code out} can receive the gradient of {@code logits}: same shape and type, C-contiguous. */
    void requireGradientOutput(INDArray out, INDArray logits) {
        if (out == null || !Arrays.equals(out.shape(), logits.shape()) || out.dataType() != logits.dataType()) {
            throw new IllegalArgumentException("gradOut must be " + logits.dataType() + " " + Arrays.toString(logits.shape())
                    + " like logits, got " + (out == null ? "null" : out.dataType() + " " + Arrays.toString(out.shape())));
        }
        if (!OffHeapValues.isContiguous(out)) {
            throw new IllegalArgumentException("gradOut must be C-contiguous (it is written in place), got strides "
                    + Arrays.toString(out.stride()));
        }
    }

    /** Throws unless {@code value}, an input at row {@code row}, is finite. */
    void requireFinite(double value, String name, int row) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + position(row, time) + " = " + value + " must be finite");
        }
    }

    /** Throws unless the log-sum-exp of row {@code row} is finite. */
    void requireFiniteLse(double lse, int row) {
        if (!Double.isFinite(lse)) {
            throw new IllegalArgumentException("logits" + position(row, time) + " has log-sum-exp " + lse
                    + ": the row holds NaN or +Infinity, or is entirely -Infinity");
        }
    }

    /** "[b, t]" of flat row {@code row} when rows have {@code time} positions. */
    static String position(int row, int time) {
        return "[" + row / time + ", " + row % time + "]";
    }

    private static void requireShape(INDArray a, String name, int b, int t) {
        if (a == null || a.rank() != 2 || a.size(0) != b || a.size(1) != t) {
            throw new IllegalArgumentException(name + " must be [" + b + ", " + t + "] like the logits' [B, T], got "
                    + (a == null ? "null" : "shape " + Arrays.toString(a.shape())));
        }
    }
}
