package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.core.kernel.TokenLogProbKernelTest.assertMessage;
import static org.prefalign.core.kernel.TokenLogProbKernelTest.randomLogits;
import static org.prefalign.core.kernel.TokenLogProbKernelTest.randomTargets;
import static org.prefalign.core.kernel.TokenLogProbKernelTest.randomUpstream;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.math.JitIndependence;

/** The host kernels: agreement between implementations, thread-count independence, the flat API. */
class HostTokenLogProbKernelTest {

    private static final int IGNORE = TokenLogProbKernel.DEFAULT_IGNORE_INDEX;

    static Stream<String> hostKernels() {
        return Stream.of("vector", "scalar");
    }

    static HostTokenLogProbKernel host(String name, int threads) {
        return name.equals("vector") ? TokenLogProbKernels.vector(threads, IGNORE)
                : TokenLogProbKernels.scalar(threads, IGNORE);
    }

    @Test
    void theThreeImplementationsAgree() {
        INDArray logits = randomLogits(DataType.FLOAT, 31, 3, 4, 5000, 4.0);
        INDArray targets = randomTargets(32, 3, 4, 5000);
        INDArray u = randomUpstream(DataType.FLOAT, 33, 3, 4);
        TokenLogProbKernel[] kernels = {TokenLogProbKernels.vector(2, IGNORE), TokenLogProbKernels.scalar(2, IGNORE),
                TokenLogProbKernels.nd4j(IGNORE)};
        double[] logp0 = TwoPassReference.values(kernels[0].forward(logits, targets).logp());
        double[] grad0 = TwoPassReference.values(
                kernels[0].backward(logits, targets, kernels[0].forward(logits, targets).lse(), u));
        for (TokenLogProbKernel k : kernels) {
            // ND4J sums 5000 floats in float: its lse carries a few 1e-6 of rounding
            TokenLogProbs out = k.forward(logits, targets);
            TokenLogProbKernelTest.assertClose(logp0, out.logp(), 2e-5, 1e-6, k.name() + " logp");
            TokenLogProbKernelTest.assertClose(grad0, k.backward(logits, targets, out.lse(), u), 1e-6, 2e-5,
                    k.name() + " gradient");
        }
    }

    @ParameterizedTest
    @MethodSource("hostKernels")
    void resultsAreBitwiseTheSameOnOneAndThreeThreads(String name) {
        INDArray logits = randomLogits(DataType.FLOAT, 34, 3, 5, 3000, 3.0);
        INDArray targets = randomTargets(35, 3, 5, 3000);
        targets.putScalar(2, 4, IGNORE);
        INDArray u = randomUpstream(DataType.FLOAT, 36, 3, 5);
        TokenLogProbs one = host(name, 1).forward(logits, targets);
        TokenLogProbs three = host(name, 3).forward(logits, targets);
        assertEquals(one.logp(), three.logp());
        assertEquals(one.lse(), three.lse());
        assertArrayEquals(TwoPassReference.values(host(name, 1).backward(logits, targets, one.lse(), u)),
                TwoPassReference.values(host(name, 3).backward(logits, targets, three.lse(), u)), 0.0);
    }

    @ParameterizedTest
    @MethodSource("hostKernels")
    void theFlatApiGivesBitwiseTheTensorApisResults(String name) {
        HostTokenLogProbKernel k = host(name, 2);
        int rows = 6;
        int vocab = 2500;
        INDArray logits = randomLogits(DataType.FLOAT, 37, 2, 3, vocab, 3.0);
        INDArray targets = randomTargets(38, 2, 3, vocab);
        targets.putScalar(1, 0, IGNORE);
        INDArray u = randomUpstream(DataType.FLOAT, 39, 2, 3);
        TokenLogProbs want = k.forward(logits, targets);
        INDArray wantGrad = k.backward(logits, targets, want.lse(), u);

        // the rows sit at offset 7 of a larger array, their targets and outputs at rowOffset 2
        int offset = 7;
        int rowOffset = 2;
        float[] x = new float[offset + rows * vocab + 5];
        float[] flatLogits = logits.dup('c').data().asFloat();
        System.arraycopy(flatLogits, 0, x, offset, rows * vocab);
        int[] y = new int[rowOffset + rows];
        float[] upstream = new float[rowOffset + rows];
        long[] ids = TwoPassReference.ids(targets);
        double[] uv = TwoPassReference.values(u);
        for (int r = 0; r < rows; r++) {
            y[rowOffset + r] = (int) ids[r];
            upstream[rowOffset + r] = (float) uv[r];
        }
        float[] logp = new float[rowOffset + rows];
        float[] lse = new float[rowOffset + rows];
        k.forward(x, offset, rows, vocab, y, rowOffset, logp, lse);
        float[] wantLogp = want.logp().dup('c').data().asFloat();
        float[] wantLse = want.lse().dup('c').data().asFloat();
        for (int r = 0; r < rows; r++) {
            assertEquals(wantLogp[r], logp[rowOffset + r], 0f, "logp row " + r);
            assertEquals(wantLse[r], lse[rowOffset + r], 0f, "lse row " + r);
        }

        float[] grad = new float[3 + rows * vocab];
        k.backward(x, offset, rows, vocab, y, rowOffset, lse, upstream, grad, 3);
        float[] wantG = wantGrad.dup('c').data().asFloat();
        for (int i = 0; i < rows * vocab; i++) {
            assertEquals(wantG[i], grad[3 + i], 0f, "gradient at " + i);
        }
        // in place: the gradient replaces the logits
        k.backward(x, offset, rows, vocab, y, rowOffset, lse, upstream, x, offset);
        for (int i = 0; i < rows * vocab; i++) {
            assertEquals(wantG[i], x[offset + i], 0f, "in-place gradient at " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("hostKernels")
    void theFlatApiRejectsBadTargetsAndRanges(String name) {
        HostTokenLogProbKernel k = host(name, 1);
        float[] x = new float[3 * 10];
        int[] y = {1, 2, 10};
        float[] out = new float[3];
        assertMessage("targets[2] = 10", () -> k.forward(x, 0, 3, 10, y, 0, out, new float[3]));
        assertMessage("logits must hold rows*vocab = 30 values from offset 1",
                () -> k.forward(x, 1, 3, 10, new int[] {1, 2, 3}, 0, out, new float[3]));
        assertMessage("lse must hold rows = 3", () -> k.forward(x, 0, 3, 10, new int[] {1, 2, 3}, 0, out, new float[2]));
        float[] nan = {Float.NaN, 0, 0};
        x[5] = Float.NaN;
        assertMessage("logits row 0", () -> k.forward(x, 0, 3, 10, new int[] {1, 2, 3}, 0, out, new float[3]));
        assertMessage("lse[0] = NaN",
                () -> k.backward(x, 0, 3, 10, new int[] {1, 2, 3}, 0, nan, new float[3], new float[30], 0));
    }

    @Test
    void ignoreIndexIsConfigurable() {
        HostTokenLogProbKernel k = TokenLogProbKernels.host(1, 7);
        INDArray logits = randomLogits(DataType.FLOAT, 40, 1, 2, 10, 1.0);
        INDArray targets = Nd4j.createFromArray(new long[][] {{3, 7}});
        TokenLogProbs out = k.forward(logits, targets);
        assertEquals(0.0, out.logp().getDouble(0, 1));
        assertTrue(out.logp().getDouble(0, 0) < 0);
        assertMessage("is not the ignore index 7", () -> {
            targets.putScalar(0, 1, -100);
            k.forward(logits, targets);
        });
    }

    @Test
    void vectorRowKernelBitsDoNotDependOnTheJit() throws Exception {
        JitIndependence.assertSameBitsInterpretedAndCompiled(VectorRows.class, 20_000);
    }

    /**
     * The vector row kernel's log-sum-exp and gradient over three rows of two full chunks and a
     * partial one: moderate logits; logits with −∞ entries and a maximum that jumps by 100 in
     * the second chunk (the reference moves); wide logits.
     */
    private static final class VectorRows implements Supplier<double[]> {
        private static final int VOCAB = 2 * ChunkedValues.CHUNK + 37;
        private final float[] logits = new float[3 * VOCAB];
        private final RowKernel kernel = VectorRowKernel.factory().get();

        VectorRows() {
            SplittableRandom random = new SplittableRandom(21);
            for (int i = 0; i < logits.length; i++) {
                double scale = i < VOCAB ? 4 : i < 2 * VOCAB ? 3 : 30;
                logits[i] = (float) (scale * random.nextGaussian());
            }
            for (int i = VOCAB; i < 2 * VOCAB; i += 7) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
            for (int i = VOCAB + ChunkedValues.CHUNK; i < VOCAB + ChunkedValues.CHUNK + 50; i++) {
                logits[i] += 100;
            }
        }

        @Override
        public double[] get() {
            double[] out = new double[3 + logits.length];
            float[] grad = new float[logits.length];
            ChunkedValues src = new HeapFloats(logits, 0);
            ChunkedValues dst = new HeapFloats(grad, 0);
            for (int r = 0; r < 3; r++) {
                double lse = kernel.logSumExp(src, (long) r * VOCAB, VOCAB);
                kernel.gradient(src, (long) r * VOCAB, VOCAB, 1000 * r + 5, lse, 0.75, dst, (long) r * VOCAB);
                out[r] = lse;
            }
            for (int i = 0; i < grad.length; i++) {
                out[3 + i] = grad[i];
            }
            return out;
        }
    }
}
