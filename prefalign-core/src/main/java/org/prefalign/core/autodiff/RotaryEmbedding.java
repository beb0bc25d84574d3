package org.prefalign.core.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rotary position embedding, RoPE (Su et al., "RoFormer: Enhanced Transformer with Rotary
 * Position Embedding", 2021, arXiv:2104.09864). Each pair (a, b) of a head's features is rotated
 * by the angle p·ω_i of its token's position p: a' = a cos − b sin, b' = b cos + a sin.
 *
 * <p>Written as y = x ⊙ C + (x·R) ⊙ S, with C, S the cosines and sines spread over the head's
 * features in the pairing's order and R the signed permutation that maps each feature to
 * ∓ its partner. The same three array ops serve both pairings. Backward is the inverse
 * rotation: dL/dx = G ⊙ C + (G ⊙ S)·Rᵀ.
 */
public final class RotaryEmbedding {

    /** Cosines and sines [N, headDim] for N rows, and R [headDim, headDim]. */
    public record Tables(INDArray cos, INDArray sin, INDArray rotation) {
        public int headDim() {
            return (int) cos.size(1);
        }

        public long rows() {
            return cos.size(0);
        }
    }

    private RotaryEmbedding() {
    }

    /**
     * Tables for rows at the given positions. {@code inverseFrequencies[i]} = ω_i, one per pair
     * (headDim / 2 of them), already including any context-extension scaling.
     */
    public static Tables tables(int[] positions, double[] inverseFrequencies, RopePairing pairing, DataType type) {
        int d = 2 * inverseFrequencies.length;
        if (d == 0) {
            throw new IllegalArgumentException("RoPE needs at least one frequency");
        }
        double[] cos = new double[positions.length * d];
        double[] sin = new double[positions.length * d];
        for (int n = 0; n < positions.length; n++) {
            if (positions[n] < 0) {
                throw new IllegalArgumentException("position " + positions[n] + " at row " + n + " is negative");
            }
            for (int j = 0; j < d; j++) {
                double angle = positions[n] * inverseFrequencies[pairing.frequencyIndex(j, d)];
                cos[n * d + j] = Math.cos(angle);
                sin[n * d + j] = Math.sin(angle);
            }
        }
        double[] r = new double[d * d];
        for (int j = 0; j < d; j++) {
            // (x·R)_j = Σ_k x_k R[k][j]: the first of a pair takes −partner, the second +partner.
            r[pairing.partner(j, d) * d + j] = pairing.isFirst(j, d) ? -1 : 1;
        }
        return new Tables(Nd4j.create(cos, new long[] {positions.length, d}, type),
                Nd4j.create(sin, new long[] {positions.length, d}, type),
                Nd4j.create(r, new long[] {d, d}, type));
    }

    /** Rotates x [N, heads·headDim] (heads side by side, as a projection outputs them). */
    public static Tensor apply(Tape tape, Tensor x, int heads, Tables tables) {
        long[] s = x.shape();
        int d = tables.headDim();
        if (s.length != 2 || s[1] != (long) heads * d || s[0] != tables.rows()) {
            throw new IllegalArgumentException("RoPE needs x [" + tables.rows() + ", " + heads + "*" + d
                    + "], got " + Arrays.toString(s));
        }
        if (x.dataType() != tables.cos().dataType()) {
            throw new IllegalArgumentException("RoPE tables are " + tables.cos().dataType() + ", x is " + x.dataType());
        }
        boolean grad = tape.needsGrad(x);
        INDArray y = rotate(x.value(), heads, tables.cos(), tables.sin(), tables.rotation(), false);
        Tensor out = tape.output(y, grad);
        if (grad) {
            tape.record(out, () -> x.accumulateOwned(
                    rotate(out.grad(), heads, tables.cos(), tables.sin(), tables.rotation(), true)));
        }
        return out;
    }

    /** x ⊙ C + (x·R) ⊙ S, or for the adjoint G ⊙ C + (G ⊙ S)·Rᵀ. */
    private static INDArray rotate(INDArray x, int heads, INDArray cos, INDArray sin, INDArray r, boolean adjoint) {
        long n = x.size(0);
        int d = (int) r.size(0);
        INDArray c3 = cos.reshape(n, 1, d);
        INDArray s3 = sin.reshape(n, 1, d);
        INDArray x3 = x.reshape(n, heads, d);
        INDArray partner;
        if (adjoint) {
            INDArray gs = x3.dup('c');
            gs.muli(s3);
            partner = MatMul.product(gs.reshape(n * heads, d), r, false, true);
            Buffers.release(gs);
        } else {
            partner = MatMul.product(x3.reshape(n * heads, d), r, false, false);
            partner.reshape(n, heads, d).muli(s3);
        }
        INDArray y = x.dup('c');
        INDArray y3 = y.reshape(n, heads, d);
        y3.muli(c3);
        y3.addi(partner.reshape(n, heads, d));
        Buffers.release(partner);
        return y;
    }
}
