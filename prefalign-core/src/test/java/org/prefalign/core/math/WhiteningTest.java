package org.prefalign.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class WhiteningTest {

    @Test
    void matchesAHandComputation() {
        // masked-in values {1, 2, 4}: mean 7/3, unbiased variance (16/9 + 1/9 + 25/9) / 2 = 7/3
        INDArray v = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray m = Nd4j.createFromArray(new double[][] {{1, 1, 0}, {1, 0, 0}});
        double mean = 7.0 / 3;
        double sd = Math.sqrt(7.0 / 3 + 1e-8);
        double[] want = new double[6];
        double[] raw = {1, 2, 3, 4, 5, 6};
        for (int i = 0; i < 6; i++) {
            want[i] = (raw[i] - mean) / sd; // masked-out values are whitened too, as TRL does
        }
        assertArrayEquals(want, Whitening.maskedWhiten(v, m, true).reshape(6).toDoubleVector(), 1e-15);
        for (int i = 0; i < 6; i++) {
            want[i] += mean;
        }
        assertArrayEquals(want, Whitening.maskedWhiten(v, m, false).reshape(6).toDoubleVector(), 1e-15);
    }

    @Test
    void maskedInValuesComeOutWithZeroMeanAndUnitUnbiasedVariance() {
        Random rnd = new Random(3);
        double[][] v = new double[4][9];
        double[][] m = new double[4][9];
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 9; t++) {
                v[b][t] = 5 + 3 * rnd.nextGaussian();
                m[b][t] = rnd.nextDouble() < 0.7 ? 1 : 0;
            }
        }
        double[] w = Whitening.maskedWhiten(Nd4j.createFromArray(v), Nd4j.createFromArray(m), true).reshape(36)
                .toDoubleVector();
        double n = 0;
        double s = 0;
        double ss = 0;
        for (int i = 0; i < 36; i++) {
            if (m[i / 9][i % 9] == 1) {
                n++;
                s += w[i];
                ss += w[i] * w[i];
            }
        }
        assertEquals(0.0, s / n, 1e-12);
        assertEquals(1.0, (ss - s * s / n) / (n - 1), 1e-7); // 1 / (1 + 1e-8 / σ²)
    }

    @Test
    void keepsTheTypeAndRejectsBadInput() {
        INDArray v = Nd4j.createFromArray(new float[] {1f, 2f, 4f});
        assertEquals(DataType.FLOAT, Whitening.maskedWhiten(v, Nd4j.ones(DataType.FLOAT, 3), true).dataType());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Whitening.maskedWhiten(v, Nd4j.createFromArray(new float[] {0f, 1f, 0f}), true));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Whitening.maskedWhiten(v, Nd4j.createFromArray(new float[] {0f, 1f, 2f}), true));
        assertThrows(IllegalArgumentException.class, () -> Whitening.maskedWhiten(v, Nd4j.ones(DataType.FLOAT, 4), true));
        assertThrows(IllegalArgumentException.class, () -> Whitening.maskedWhiten(
                Nd4j.createFromArray(new double[] {1, Double.NaN, 3}), Nd4j.ones(DataType.DOUBLE, 3), true));
    }
}
