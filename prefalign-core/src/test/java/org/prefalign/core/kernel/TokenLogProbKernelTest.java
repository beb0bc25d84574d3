package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every implementation against the two-pass double reference, finite differences and bad input. */
class TokenLogProbKernelTest {

    private static final int IGNORE = TokenLogProbKernel.DEFAULT_IGNORE_INDEX;

    static Stream<TokenLogProbKernel> kernels() {
        return Stream.of(TokenLogProbKernels.vector(2, IGNORE), TokenLogProbKernels.scalar(2, IGNORE),
                TokenLogProbKernels.nd4j(IGNORE));
    }

    static INDArray randomLogits(DataType type, long seed, int b, int t, int v, double scale) {
        Random rnd = new Random(seed);
        double[] x = new double[b * t * v];
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * rnd.nextGaussian();
        }
        return Nd4j.createFromArray(x).reshape(b, t, v).castTo(type);
    }

    static INDArray randomTargets(long seed, int b, int t, int v) {
        Random rnd = new Random(seed);
        long[] y = new long[b * t];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextInt(v);
        }
        return Nd4j.createFromArray(y).reshape(b, t);
    }

    static INDArray randomUpstream(DataType type, long seed, int b, int t) {
        Random rnd = new Random(seed);
        double[] u = new double[b * t];
        for (int i = 0; i < u.length; i++) {
            u[i] = rnd.nextDouble() * 2 - 1;
        }
        return Nd4j.createFromArray(u).reshape(b, t).castTo(type);
    }

    static TwoPassReference reference(INDArray logits, INDArray targets, INDArray upstream) {
        return new TwoPassReference(TwoPassReference.values(logits), (int) (logits.size(0) * logits.size(1)),
                (int) logits.size(2), TwoPassReference.ids(targets), TwoPassReference.values(upstream), IGNORE);
    }

    static void assertClose(double[] want, INDArray got, double abs, double rel, String what) {
        double[] g = TwoPassReference.values(got);
        assertEquals(want.length, g.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - g[i]) <= abs + rel * Math.abs(want[i]),
                    what + "[" + i + "]: want " + want[i] + ", got " + g[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void floatLogitsMatchTheTwoPassReference(TokenLogProbKernel k) {
        // V is no multiple of the chunk or the vector width: every row has a tail
        INDArray logits = randomLogits(DataType.FLOAT, 1, 2, 5, 4099, 3.0);
        INDArray targets = randomTargets(2, 2, 5, 4099);
        targets.putScalar(1, 3, IGNORE);
        INDArray u = randomUpstream(DataType.FLOAT, 3, 2, 5);
        TwoPassReference ref = reference(logits, targets, u);

        TokenLogProbs out = k.forward(logits, targets);
        assertEquals(DataType.FLOAT, out.logp().dataType());
        assertArrayEquals(new long[] {2, 5}, out.logp().shape());
        assertClose(ref.logp, out.logp(), 1e-5, 1e-6, "logp");
        assertClose(ref.lse, out.lse(), 1e-5, 1e-6, "lse");

        INDArray grad = k.backward(logits, targets, out.lse(), u);
        assertEquals(DataType.FLOAT, grad.dataType());
        assertArrayEquals(logits.shape(), grad.shape());
        assertClose(ref.grad, grad, 1e-6, 1e-5, "grad");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void doubleLogitsAreComputedInDouble(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.DOUBLE, 4, 2, 3, 7, 2.0);
        INDArray targets = randomTargets(5, 2, 3, 7);
        INDArray u = randomUpstream(DataType.DOUBLE, 6, 2, 3);
        TwoPassReference ref = reference(logits, targets, u);

        TokenLogProbs out = k.forward(logits, targets);
        assertEquals(DataType.DOUBLE, out.logp().dataType());
        assertClose(ref.logp, out.logp(), 1e-14, 1e-14, "logp");
        assertClose(ref.lse, out.lse(), 1e-14, 1e-14, "lse");
        assertClose(ref.grad, k.backward(logits, targets, out.lse(), u), 1e-15, 1e-13, "grad");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void gradientMatchesCentralFiniteDifferencesInDouble(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.DOUBLE, 7, 2, 3, 7, 1.5);
        INDArray targets = randomTargets(8, 2, 3, 7);
        targets.putScalar(0, 2, IGNORE);
        INDArray u = randomUpstream(DataType.DOUBLE, 9, 2, 3);
        double[] grad = TwoPassReference.values(k.backward(logits, targets, k.forward(logits, targets).lse(), u));

        double h = 1e-6;
        for (int i = 0; i < logits.length(); i++) {
            INDArray plus = logits.dup();
            INDArray minus = logits.dup();
            plus.reshape(logits.length()).putScalar(i, logits.reshape(logits.length()).getDouble(i) + h);
            minus.reshape(logits.length()).putScalar(i, logits.reshape(logits.length()).getDouble(i) - h);
            double fd = (weighted(k, plus, targets, u) - weighted(k, minus, targets, u)) / (2 * h);
            assertEquals(fd, grad[i], 1e-8, "d(Σ u·logp)/dx at flat index " + i);
        }
    }

    private static double weighted(TokenLogProbKernel k, INDArray logits, INDArray targets, INDArray u) {
        return k.forward(logits, targets).logp().mul(u).sumNumber().doubleValue();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void ignoredPositionsGiveZeroLogpLseAndGradient(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.FLOAT, 10, 2, 3, 50, 2.0);
        INDArray targets = randomTargets(11, 2, 3, 50);
        targets.putScalar(0, 1, IGNORE);
        targets.putScalar(1, 2, IGNORE);
        TokenLogProbs out = k.forward(logits, targets);
        INDArray grad = k.backward(logits, targets, out.lse(), Nd4j.ones(DataType.FLOAT, 2, 3));
        for (int[] p : new int[][] {{0, 1}, {1, 2}}) {
            assertEquals(0.0, out.logp().getDouble(p[0], p[1]));
            assertEquals(0.0, out.lse().getDouble(p[0], p[1]));
            for (int v = 0; v < 50; v++) {
                assertEquals(0.0, grad.getDouble(p[0], p[1], v), 0.0, "gradient of an ignored row");
            }
        }
        assertTrue(out.logp().getDouble(0, 0) < 0, "a real position still has its log-prob");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void extremeLogitsStayFiniteAndAccurate(TokenLogProbKernel k) {
        int v = 3000;
        double[] x = new double[4 * v];
        Random rnd = new Random(12);
        for (int i = 0; i < v; i++) {
            x[i] = rnd.nextBoolean() ? 1e4 : -1e4;          // row 0: ±1e4
            x[2 * v + i] = 0.0;                             // row 2: one huge value, not the target
            x[3 * v + i] = -1e4;                            // row 3: uniform at -1e4
        }
        x[v + 17] = 1e4;                                    // row 1: one huge value at the target
        x[2 * v + 2999] = 1e4;
        long[] y = {5, 17, 3, 100};
        INDArray logits = Nd4j.createFromArray(x).reshape(1, 4, v).castTo(DataType.FLOAT);
        INDArray targets = Nd4j.createFromArray(y).reshape(1, 4);
        INDArray u = Nd4j.ones(DataType.FLOAT, 1, 4);
        TwoPassReference ref = reference(logits, targets, u);

        TokenLogProbs out = k.forward(logits, targets);
        for (double l : TwoPassReference.values(out.logp())) {
            assertTrue(Double.isFinite(l), "logp " + l);
        }
        assertClose(ref.logp, out.logp(), 1e-5, 1e-6, "logp");
        assertEquals(-Math.log(v), out.logp().getDouble(0, 3), 1e-5);
        assertEquals(0.0, out.logp().getDouble(0, 1), 1e-6);
        INDArray grad = k.backward(logits, targets, out.lse(), u);
        for (double g : TwoPassReference.values(grad)) {
            assertTrue(Double.isFinite(g), "gradient " + g);
        }
        assertClose(ref.grad, grad, 1e-6, 1e-5, "grad");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aMaximumThatGrowsFromChunkToChunkIsFollowed(TokenLogProbKernel k) {
        // chunks of 2048: the maximum rises 0 → 60 → 85 (e^85 still fits a float) → 200 (it does not)
        int v = 4 * ChunkedValues.CHUNK;
        double[] x = new double[2 * v];
        x[2100] = 60;
        x[4200] = 85;
        System.arraycopy(x, 0, x, v, v);
        x[v + 7000] = 200;
        INDArray logits = Nd4j.createFromArray(x).reshape(1, 2, v).castTo(DataType.FLOAT);
        INDArray targets = Nd4j.createFromArray(new long[][] {{4200, 2100}});
        INDArray u = Nd4j.ones(DataType.FLOAT, 1, 2);
        TwoPassReference ref = reference(logits, targets, u);
        TokenLogProbs out = k.forward(logits, targets);
        assertClose(ref.lse, out.lse(), 1e-5, 1e-7, "lse");
        assertClose(ref.logp, out.logp(), 1e-5, 1e-7, "logp");
        assertClose(ref.grad, k.backward(logits, targets, out.lse(), u), 1e-6, 1e-5, "grad");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void targetsOutsideTheVocabularyAreRejectedWithTheirPosition(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.FLOAT, 13, 2, 3, 10, 1.0);
        INDArray targets = randomTargets(14, 2, 3, 10);
        targets.putScalar(1, 2, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.forward(logits, targets));
        assertTrue(e.getMessage().contains("targets[1, 2] = 10"), e.getMessage());
        targets.putScalar(1, 2, -1);
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(logits, targets));
        assertTrue(e.getMessage().contains("targets[1, 2] = -1"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rowsWithoutAFiniteLogSumExpAreRejectedWithTheirPosition(TokenLogProbKernel k) {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            INDArray logits = randomLogits(DataType.FLOAT, 15, 2, 3, 3000, 1.0);
            logits.putScalar(new long[] {1, 0, 2500}, bad);
            INDArray targets = randomTargets(16, 2, 3, 3000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.forward(logits, targets));
            assertTrue(e.getMessage().contains("logits[1, 0]"), e.getMessage());
        }
        INDArray allNegInf = Nd4j.valueArrayOf(new long[] {1, 2, 5}, Float.NEGATIVE_INFINITY, DataType.FLOAT);
        allNegInf.putScalar(new long[] {0, 0, 1}, 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.forward(allNegInf, Nd4j.createFromArray(new long[][] {{1, 1}})));
        assertTrue(e.getMessage().contains("logits[0, 1]"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void negativeInfinityOutsideTheTargetIsAZeroProbability(TokenLogProbKernel k) {
        INDArray logits = Nd4j.createFromArray(new double[] {0, Double.NEGATIVE_INFINITY, 0}).reshape(1, 1, 3);
        TokenLogProbs out = k.forward(logits, Nd4j.createFromArray(new long[][] {{0}}));
        assertEquals(-Math.log(2), out.logp().getDouble(0, 0), 1e-15);
        INDArray grad = k.backward(logits, Nd4j.createFromArray(new long[][] {{0}}), out.lse(),
                Nd4j.ones(DataType.DOUBLE, 1, 1));
        assertArrayEquals(new double[] {0.5, 0.0, -0.5}, TwoPassReference.values(grad), 1e-15);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void nonContiguousLogitsGiveTheResultsOfTheirContiguousCopy(TokenLogProbKernel k) {
        INDArray base = randomLogits(DataType.FLOAT, 17, 2, 300, 4, 2.0);
        INDArray logits = base.permute(0, 2, 1); // [2, 4, 300], not C-contiguous
        INDArray targets = randomTargets(18, 2, 4, 300);
        INDArray u = randomUpstream(DataType.FLOAT, 19, 2, 4);
        TokenLogProbs a = k.forward(logits, targets);
        TokenLogProbs b = k.forward(logits.dup('c'), targets);
        assertArrayEquals(TwoPassReference.values(b.logp()), TwoPassReference.values(a.logp()), 1e-6);
        assertArrayEquals(TwoPassReference.values(k.backward(logits.dup('c'), targets, b.lse(), u)),
                TwoPassReference.values(k.backward(logits, targets, a.lse(), u)), 1e-7);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void backwardCanOverwriteTheLogitsInPlace(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.FLOAT, 20, 2, 3, 2500, 2.0);
        INDArray targets = randomTargets(21, 2, 3, 2500);
        INDArray u = randomUpstream(DataType.FLOAT, 22, 2, 3);
        INDArray lse = k.forward(logits, targets).lse();
        INDArray expected = k.backward(logits, targets, lse, u);
        k.backward(logits, targets, lse, u, logits);
        assertArrayEquals(TwoPassReference.values(expected), TwoPassReference.values(logits), 0.0);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void intAndLongTargetsAgree(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.FLOAT, 23, 2, 3, 40, 2.0);
        INDArray targets = randomTargets(24, 2, 3, 40);
        assertEquals(k.forward(logits, targets).logp(), k.forward(logits, targets.castTo(DataType.INT32)).logp());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void malformedInputsAreRejectedByName(TokenLogProbKernel k) {
        INDArray logits = randomLogits(DataType.FLOAT, 25, 2, 3, 8, 1.0);
        INDArray targets = randomTargets(26, 2, 3, 8);
        assertMessage("logits must be [B, T, V]", () -> k.forward(logits.reshape(6, 8), targets));
        assertMessage("logits must be FLOAT or DOUBLE", () -> k.forward(logits.castTo(DataType.FLOAT16), targets));
        assertMessage("targets must be [2, 3]", () -> k.forward(logits, targets.reshape(3, 2)));
        assertMessage("targets must hold integer", () -> k.forward(logits, targets.castTo(DataType.FLOAT)));
        INDArray lse = k.forward(logits, targets).lse();
        INDArray u = Nd4j.ones(DataType.FLOAT, 2, 3);
        assertMessage("upstream must be [2, 3]", () -> k.backward(logits, targets, lse, u.reshape(6)));
        INDArray badLse = lse.dup();
        badLse.putScalar(1, 1, Double.NaN);
        assertMessage("lse[1, 1] = NaN", () -> k.backward(logits, targets, badLse, u));
        assertMessage("gradOut must be FLOAT [2, 3, 8]",
                () -> k.backward(logits, targets, lse, u, Nd4j.create(DataType.DOUBLE, 2, 3, 8)));
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
