package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.core.kernel.TokenLogProbKernelTest.assertMessage;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaskedReductionsTest {

    private static final INDArray VALUES = Nd4j.createFromArray(new double[][] {
            {-1.5, -2.0, -0.25, 9.0},
            {-3.0, Double.NaN, -1.0, -4.0}}); // the NaN is masked out, so never read
    private static final INDArray MASK = Nd4j.createFromArray(new double[][] {{0, 1, 1, 0}, {1, 0, 1, 1}});

    @Test
    void sumAndMeanCountOnlyMaskedInTokens() {
        assertArrayEquals(new double[] {-2.25, -8.0}, MaskedReductions.sum(VALUES, MASK).toDoubleVector(), 0.0);
        assertArrayEquals(new double[] {-1.125, -8.0 / 3}, MaskedReductions.mean(VALUES, MASK).toDoubleVector(), 1e-15);
    }

    @Test
    void backwardsMatchFiniteDifferences() {
        Random rnd = new Random(1);
        double[][] v = new double[3][5];
        double[][] m = new double[3][5];
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 5; t++) {
                v[b][t] = rnd.nextGaussian();
                m[b][t] = t == 0 || rnd.nextBoolean() ? 1 : 0;
            }
        }
        INDArray values = Nd4j.createFromArray(v);
        INDArray mask = Nd4j.createFromArray(m);
        INDArray g = Nd4j.createFromArray(new double[] {0.3, -1.7, 2.0});
        for (boolean mean : new boolean[] {false, true}) {
            INDArray grad = mean ? MaskedReductions.meanBackward(mask, g) : MaskedReductions.sumBackward(mask, g);
            double h = 1e-6;
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 5; t++) {
                    INDArray plus = values.dup();
                    INDArray minus = values.dup();
                    plus.putScalar(b, t, v[b][t] + h);
                    minus.putScalar(b, t, v[b][t] - h);
                    double fd = (weighted(plus, mask, g, mean) - weighted(minus, mask, g, mean)) / (2 * h);
                    assertEquals(fd, grad.getDouble(b, t), 1e-9, (mean ? "mean" : "sum") + " at [" + b + ", " + t + "]");
                }
            }
        }
    }

    private static double weighted(INDArray values, INDArray mask, INDArray g, boolean mean) {
        INDArray r = mean ? MaskedReductions.mean(values, mask) : MaskedReductions.sum(values, mask);
        return r.mul(g).sumNumber().doubleValue();
    }

    @Test
    void typesFollowTheValuesAndTheUpstream() {
        INDArray f = VALUES.castTo(DataType.FLOAT);
        assertEquals(DataType.FLOAT, MaskedReductions.mean(f.mul(MASK.castTo(DataType.FLOAT)), MASK).dataType());
        INDArray grad = MaskedReductions.meanBackward(MASK, Nd4j.createFromArray(new float[] {1f, 3f}));
        assertEquals(DataType.FLOAT, grad.dataType());
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, grad.getRow(0).toDoubleVector(), 0.0);
        assertArrayEquals(new double[] {1, 0, 1, 1}, grad.getRow(1).toDoubleVector(), 1e-7);
    }

    @Test
    void badInputsAreRejectedByName() {
        assertMessage("mask row 1 has no completion tokens",
                () -> MaskedReductions.mean(VALUES, Nd4j.createFromArray(new double[][] {{1, 0, 0, 0}, {0, 0, 0, 0}})));
        assertMessage("mask[0, 2] = 0.5 must be 0 or 1",
                () -> MaskedReductions.sum(VALUES, Nd4j.createFromArray(new double[][] {{1, 0, 0.5, 0}, {1, 0, 0, 0}})));
        assertMessage("mask must be [2, 4]", () -> MaskedReductions.sum(VALUES, MASK.reshape(4, 2)));
        assertMessage("values[1, 1] = NaN must be finite where mask is 1", () -> MaskedReductions.sum(VALUES,
                Nd4j.ones(DataType.DOUBLE, 2, 4)));
        assertMessage("upstream must be a floating-point vector [2]",
                () -> MaskedReductions.sumBackward(MASK, Nd4j.ones(DataType.DOUBLE, 3)));
    }
}
