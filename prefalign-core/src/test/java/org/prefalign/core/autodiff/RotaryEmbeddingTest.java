package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class RotaryEmbeddingTest {

    private static final int HEADS = 3;
    private static final int D = 6;

    private static double[] frequencies(double theta) {
        double[] w = new double[D / 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.pow(theta, -2.0 * i / D);
        }
        return w;
    }

    /** The rotation written out per pair: first index a, second b of pair i. */
    private static double[][] naive(INDArray x, int[] positions, double[] w, RopePairing pairing) {
        double[][] y = new double[(int) x.size(0)][(int) x.size(1)];
        for (int n = 0; n < y.length; n++) {
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < D / 2; i++) {
                    int a = h * D + (pairing == RopePairing.ADJACENT ? 2 * i : i);
                    int b = h * D + (pairing == RopePairing.ADJACENT ? 2 * i + 1 : i + D / 2);
                    double angle = positions[n] * w[i];
                    double xa = x.getDouble(n, a);
                    double xb = x.getDouble(n, b);
                    y[n][a] = xa * Math.cos(angle) - xb * Math.sin(angle);
                    y[n][b] = xb * Math.cos(angle) + xa * Math.sin(angle);
                }
            }
        }
        return y;
    }

    @Test
    void bothPairingsMatchTheRotationWrittenOutPerPair() {
        Random rng = new Random(61);
        int[] positions = {0, 1, 2, 7, 300};
        double[] w = frequencies(10000);
        for (RopePairing pairing : RopePairing.values()) {
            Tensor x = Tensor.constant(GradCheck.random(rng, 1, positions.length, HEADS * D));
            RotaryEmbedding.Tables tables = RotaryEmbedding.tables(positions, w, pairing, DataType.DOUBLE);
            double[][] want = naive(x.value(), positions, w, pairing);
            try (Tape tape = Tape.inference()) {
                INDArray y = RotaryEmbedding.apply(tape, x, HEADS, tables).value();
                for (int n = 0; n < positions.length; n++) {
                    for (int j = 0; j < HEADS * D; j++) {
                        assertEquals(want[n][j], y.getDouble(n, j), 1e-13, pairing + " row " + n + " col " + j);
                    }
                }
            }
        }
    }

    @Test
    void pairingsDifferOnTheSameInput() {
        Random rng = new Random(62);
        Tensor x = Tensor.constant(GradCheck.random(rng, 1, 2, HEADS * D));
        int[] positions = {3, 5};
        try (Tape tape = Tape.inference()) {
            INDArray a = RotaryEmbedding.apply(tape, x, HEADS,
                    RotaryEmbedding.tables(positions, frequencies(10000), RopePairing.ADJACENT, DataType.DOUBLE)).value();
            INDArray h = RotaryEmbedding.apply(tape, x, HEADS,
                    RotaryEmbedding.tables(positions, frequencies(10000), RopePairing.HALF_SPLIT, DataType.DOUBLE)).value();
            org.junit.jupiter.api.Assertions.assertTrue(a.sub(h).amaxNumber().doubleValue() > 1e-3);
        }
    }

    @Test
    void gradientIsTheInverseRotation() {
        Random rng = new Random(63);
        int[] positions = {4, 0, 9, 2};
        for (RopePairing pairing : RopePairing.values()) {
            Tensor x = Tensor.parameter(GradCheck.random(rng, 1, positions.length, HEADS * D));
            RotaryEmbedding.Tables tables = RotaryEmbedding.tables(positions, frequencies(500), pairing, DataType.DOUBLE);
            GradCheck.check("rope " + pairing, List.of(x), t -> RotaryEmbedding.apply(t, x, HEADS, tables), 1e-8, 72);
        }
    }

    @Test
    void shapeMismatchIsRejected() {
        Tensor x = Tensor.constant(GradCheck.random(new Random(64), 1, 2, HEADS * D));
        RotaryEmbedding.Tables tables = RotaryEmbedding.tables(new int[] {0, 1}, frequencies(10000),
                RopePairing.ADJACENT, DataType.DOUBLE);
        try (Tape tape = Tape.inference()) {
            assertThrows(IllegalArgumentException.class, () -> RotaryEmbedding.apply(tape, x, HEADS + 1, tables));
        }
    }
}
