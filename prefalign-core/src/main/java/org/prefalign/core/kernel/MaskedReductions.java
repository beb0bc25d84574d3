package org.prefalign.core.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-sequence reductions of token values over the completion tokens, and their backward:
 *
 * <pre>
 *   sum_b  = Σ_t m[b,t] · v[b,t]                 ∂sum_b / ∂v[b,t]  = m[b,t]
 *   mean_b = Σ_t m[b,t] · v[b,t] / Σ_t m[b,t]    ∂mean_b / ∂v[b,t] = m[b,t] / Σ_t m[b,t]
 * </pre>
 *
 * <p>A summed completion log-prob (DPO's log π(y|x)) is {@code sum} of token log-probs; the
 * length-averaged one (SimPO, IPO, ORPO) is {@code mean}. Values are [B, T] of any floating type,
 * computed in double and returned in the values' type (the upstream's type for backward); the
 * mask is [B, T] of 0 (prompt, padding) and 1 (completion). Masked-out values are never read, so
 * they may be anything, even non-finite.
 */
public final class MaskedReductions {

    private MaskedReductions() {
    }

    /** Σ_t m[b,t]·v[b,t], shape [B]. */
    public static INDArray sum(INDArray values, INDArray mask) {
        return reduce(values, mask, false);
    }

    /** Σ_t m[b,t]·v[b,t] / Σ_t m[b,t], shape [B]; a row without completion tokens is an error. */
    public static INDArray mean(INDArray values, INDArray mask) {
        return reduce(values, mask, true);
    }

    /** d(Σ_b g_b·sum_b)/dv = g_b·m[b,t], shape [B, T], for upstream {@code g} of shape [B]. */
    public static INDArray sumBackward(INDArray mask, INDArray upstream) {
        return spread(mask, upstream, false);
    }

    /** d(Σ_b g_b·mean_b)/dv = g_b·m[b,t] / Σ_t m[b,t], shape [B, T], for upstream {@code g} of shape [B]. */
    public static INDArray meanBackward(INDArray mask, INDArray upstream) {
        return spread(mask, upstream, true);
    }

    private static INDArray reduce(INDArray values, INDArray mask, boolean mean) {
        if (values == null || values.rank() != 2 || !values.dataType().isFPType()) {
            throw new IllegalArgumentException("values must be a floating-point [B, T] array, got "
                    + (values == null ? "null" : values.dataType() + " " + Arrays.toString(values.shape())));
        }
        Mask m = Mask.of(mask, values.size(0), values.size(1), mean);
        double[] v = host(values);
        double[] out = new double[m.batch];
        for (int b = 0; b < m.batch; b++) {
            double s = 0;
            for (int t = 0; t < m.time; t++) {
                int i = b * m.time + t;
                if (m.on[i]) {
                    if (!Double.isFinite(v[i])) {
                        throw new IllegalArgumentException("values[" + b + ", " + t + "] = " + v[i]
                                + " must be finite where mask is 1");
                    }
                    s += v[i];
                }
            }
            out[b] = mean ? s / m.counts[b] : s;
        }
        return typed(Nd4j.createFromArray(out), values.dataType());
    }

    private static INDArray spread(INDArray mask, INDArray upstream, boolean mean) {
        if (mask == null || mask.rank() != 2) {
            throw new IllegalArgumentException("mask must be [B, T], got "
                    + (mask == null ? "null" : Arrays.toString(mask.shape())));
        }
        Mask m = Mask.of(mask, mask.size(0), mask.size(1), mean);
        if (upstream == null || !upstream.isVectorOrScalar() || upstream.length() != m.batch
                || !upstream.dataType().isFPType()) {
            throw new IllegalArgumentException("upstream must be a floating-point vector [" + m.batch + "], got "
                    + (upstream == null ? "null" : upstream.dataType() + " " + Arrays.toString(upstream.shape())));
        }
        double[] g = host(upstream);
        double[] out = new double[m.batch * m.time];
        for (int b = 0; b < m.batch; b++) {
            if (!Double.isFinite(g[b])) {
                throw new IllegalArgumentException("upstream[" + b + "] = " + g[b] + " must be finite");
            }
            double w = mean ? g[b] / m.counts[b] : g[b];
            for (int t = 0; t < m.time; t++) {
                int i = b * m.time + t;
                out[i] = m.on[i] ? w : 0.0;
            }
        }
        return typed(Nd4j.createFromArray(out).reshape(m.batch, m.time), upstream.dataType());
    }

    private static double[] host(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    private static INDArray typed(INDArray a, DataType type) {
        return type == DataType.DOUBLE ? a : a.castTo(type);
    }

    /** A checked 0/1 mask [B, T] in C order with its per-row counts. */
    private record Mask(int batch, int time, boolean[] on, double[] counts) {

        static Mask of(INDArray mask, long batch, long time, boolean needTokens) {
            if (mask == null || mask.rank() != 2 || mask.size(0) != batch || mask.size(1) != time) {
                throw new IllegalArgumentException("mask must be [" + batch + ", " + time + "] like the values, got "
                        + (mask == null ? "null" : Arrays.toString(mask.shape())));
            }
            int b = (int) batch;
            int t = (int) time;
            double[] raw = host(mask);
            boolean[] on = new boolean[raw.length];
            double[] counts = new double[b];
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] != 0 && raw[i] != 1) {
                    throw new IllegalArgumentException("mask" + TokenLogProbInputs.position(i, t) + " = " + raw[i]
                            + " must be 0 or 1");
                }
                on[i] = raw[i] == 1;
                counts[i / t] += raw[i];
            }
            if (needTokens) {
                for (int r = 0; r < b; r++) {
                    if (counts[r] == 0) {
                        throw new IllegalArgumentException("mask row " + r
                                + " has no completion tokens: the masked mean of an empty row is undefined");
                    }
                }
            }
            return new Mask(b, t, on, counts);
        }
    }
}
