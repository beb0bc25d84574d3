package org.prefalign.core.sampling.host;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.prefalign.core.math.JitIndependence;

/** The Vector API decode kernel gives the same bits interpreted as compiled (its values are checked in {@link HostDecoderTest}). */
class VectorDecodeKernelTest {

    @Test
    void bitsDoNotDependOnTheJit() throws Exception {
        JitIndependence.assertSameBitsInterpretedAndCompiled(EveryOperation.class, 20_000);
    }

    /**
     * Each operation of the kernel once: a product of 5 rows (a tile of four and a lone row) by a
     * 24 × 40 layer with bias, RMSNorm of 3 rows of 40 features padded to 48, SwiGLU of 3 rows,
     * and attention over 2L + 5 of 3L slots.
     */
    private static final class EveryOperation implements Supplier<double[]> {
        private final DecodeKernel kernel = VectorDecodeKernel.factory().get();
        private final int lanes = kernel.slotMultiple();
        private final PackedLinear layer = PackedLinear.pack(24, kernel.columnMultiple(),
                new float[][] {JitIndependence.gaussians(1, 40 * 24, 0.3)}, new float[][] {JitIndependence.gaussians(2, 40, 1)});
        private final float[] x = JitIndependence.gaussians(3, 5 * 24, 1);
        private final float[] normIn = JitIndependence.gaussians(4, 3 * 48, 2);
        private final float[] gain = JitIndependence.gaussians(5, 48, 1);
        private final float[] gateUp = JitIndependence.gaussians(6, 3 * 2 * 4 * lanes, 4);
        private final int capacity = 3 * lanes;
        private final float[] kT = JitIndependence.gaussians(7, 8 * capacity, 1);
        private final float[] vT = JitIndependence.gaussians(8, 8 * capacity, 1);
        private final float[] q = JitIndependence.gaussians(9, 8, 1);

        EveryOperation() {
            for (int r = 0; r < 3; r++) {
                java.util.Arrays.fill(normIn, r * 48 + 40, r * 48 + 48, 0f);
            }
            java.util.Arrays.fill(gain, 40, 48, 0f);
        }

        @Override
        public double[] get() {
            float[] y = new float[5 * layer.stride()];
            kernel.matmul(x, 24, 5, layer, y);
            float[] normed = new float[normIn.length];
            kernel.rmsNorm(normIn, 3, 48, 40, gain, 1e-5f, normed);
            float[] gated = gateUp.clone();
            kernel.swiGlu(gated, 3, 4 * lanes);
            float[] out = new float[8];
            kernel.attend(q, 0, kT, vT, 0, capacity, 2 * lanes + 5, 8, 0.35f, new float[capacity], out, 0);
            return JitIndependence.outputs(y, normed, gated, out);
        }
    }
}
