package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which keys each query of a batch may attend to: Tq queries that are the last Tq of Tk keys
 * (Tq = Tk for a training pass; fewer after a key/value cache). Query i sees key j when
 * j ≤ Tk − Tq + i (causality) and {@code keyValid[b][j]} (not padding). A query that would see no
 * key at all (a left-padding position) sees only itself, so its output is defined and smooth; no
 * real query ever sees it.
 *
 */
public final class AttentionMask {

    /** The additive mask value of an invisible key: finite, and exp of it underflows to exactly 0. */
    public static final double MASKED = -1e9;

    private final boolean[][] keyValid;
    private final int queries;
    private INDArray additive;

    public AttentionMask(boolean[][] keyValid, int queries) {
        if (keyValid.length == 0 || keyValid[0].length == 0) {
            throw new IllegalArgumentException("an attention mask needs at least one sequence and one key");
        }
        int tk = keyValid[0].length;
        for (int b = 0; b < keyValid.length; b++) {
            if (keyValid[b].length != tk) {
                throw new IllegalArgumentException("keyValid rows differ in length: row " + b + " has "
                        + keyValid[b].length + ", row 0 has " + tk);
            }
        }
        if (queries <= 0 || queries > tk) {
            throw new IllegalArgumentException("queries must be in [1, " + tk + "], got " + queries);
        }
        this.keyValid = keyValid;
        this.queries = queries;
    }

    /** [B][Tk]: which key positions hold real tokens (not copied: do not modify). */
    public boolean[][] keyValid() {
        return keyValid;
    }

    public int queries() {
        return queries;
    }

    public int batch() {
        return keyValid.length;
    }

    public int keys() {
        return keyValid[0].length;
    }

    /** The key index of query i. */
    public int self(int i) {
        return keys() - queries + i;
    }

    /** Whether query i of sequence b sees some key other than by the self-only rule. */
    public boolean seesAnyKey(int b, int i) {
        for (int j = 0; j <= self(i); j++) {
            if (keyValid[b][j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The mask as an additive array [B, 1, Tq, Tk]: 0 where visible, {@link #MASKED} elsewhere;
     * built once and shared by every layer (do not modify it).
     */
    public INDArray additive(DataType type) {
        if (additive == null || additive.dataType() != type) {
            additive = build(type);
        }
        return additive;
    }

    private INDArray build(DataType type) {
        int tk = keys();
        double[] m = new double[batch() * queries * tk];
        for (int s = 0; s < batch(); s++) {
            for (int i = 0; i < queries; i++) {
                boolean any = seesAnyKey(s, i);
                for (int j = 0; j < tk; j++) {
                    boolean visible = any ? j <= self(i) && keyValid[s][j] : j == self(i);
                    m[(s * queries + i) * tk + j] = visible ? 0.0 : MASKED;
                }
            }
        }
        return Nd4j.create(m, new long[] {batch(), 1, queries, tk}, type);
    }
}
