package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.math.JitIndependence;

/** The RMSNorm and SwiGLU vector kernels against their array-op paths, in float32. */
class VectorElementwiseTest {

    /** Output and input gradients of f on fresh copies of the inputs under one implementation. */
    private static List<INDArray> run(BiFunction<Tape, List<Tensor>, Tensor> f, List<INDArray> inputs, INDArray seed) {
        List<Tensor> params = inputs.stream().map(a -> Tensor.parameter(a.dup())).toList();
        try (Tape tape = Tape.recording()) {
            Tensor out = f.apply(tape, params);
            INDArray value = out.value().dup();
            tape.backward(out, seed);
            List<INDArray> result = new java.util.ArrayList<>();
            result.add(value);
            params.forEach(p -> result.add(p.grad()));
            return result;
        }
    }

    private static void assertAgree(String what, List<INDArray> want, List<INDArray> got) {
        for (int i = 0; i < want.size(); i++) {
            double scale = Math.max(1e-3, want.get(i).amaxNumber().doubleValue());
            double err = want.get(i).sub(got.get(i)).amaxNumber().doubleValue();
            assertTrue(err <= 1e-5 * scale, what + " result " + i + ": error " + err + " at scale " + scale);
        }
    }

    private static INDArray floats(Random rng, double scale, long... shape) {
        return GradCheck.random(rng, scale, shape).castTo(DataType.FLOAT);
    }

    @Test
    void rmsNormKernelAgreesWithArrayOps() {
        Random rng = new Random(131);
        for (int dim : new int[] {64, 37, 5}) {
            List<INDArray> in = List.of(floats(rng, 3, 50, dim), floats(rng, 1, dim));
            INDArray seed = floats(rng, 1, 50, dim);
            List<INDArray> want = run((t, p) -> RmsNorm.apply(t, p.get(0), p.get(1), 1e-5, Implementation.ARRAY_OPS), in, seed);
            List<INDArray> got = run((t, p) -> RmsNorm.apply(t, p.get(0), p.get(1), 1e-5, Implementation.VECTOR), in, seed);
            assertAgree("rmsnorm dim " + dim, want, got);
        }
    }

    @Test
    void swiGluKernelAgreesWithArrayOpsIncludingSaturatedGates() {
        Random rng = new Random(132);
        for (int width : new int[] {172, 33}) {
            INDArray gate = floats(rng, 6, 40, width);
            gate.putScalar(0, 0, 60f);
            gate.putScalar(0, 1, -60f);
            List<INDArray> in = List.of(gate, floats(rng, 2, 40, width));
            INDArray seed = floats(rng, 1, 40, width);
            List<INDArray> want = run((t, p) -> SwiGlu.apply(t, p.get(0), p.get(1), Implementation.ARRAY_OPS), in, seed);
            List<INDArray> got = run((t, p) -> SwiGlu.apply(t, p.get(0), p.get(1), Implementation.VECTOR), in, seed);
            assertAgree("swiglu width " + width, want, got);
        }
    }

    @Test
    void bitsDoNotDependOnTheJit() throws Exception {
        JitIndependence.assertSameBitsInterpretedAndCompiled(RmsNormAndSwiGlu.class, 20_000);
    }

    /**
     * Both kernels' forward and backward over lengths that end in a partial vector: RMSNorm of
     * 5 rows of 72, SwiGLU of 521 gates with two saturated.
     */
    private static final class RmsNormAndSwiGlu implements Supplier<double[]> {
        private final float[] x = JitIndependence.gaussians(5, 5 * 72, 3);
        private final float[] w = JitIndependence.gaussians(6, 72, 1);
        private final float[] gNorm = JitIndependence.gaussians(7, 5 * 72, 1);
        private final float[] gate = JitIndependence.gaussians(8, 521, 6);
        private final float[] up = JitIndependence.gaussians(9, 521, 2);
        private final float[] gGlu = JitIndependence.gaussians(10, 521, 1);

        RmsNormAndSwiGlu() {
            gate[0] = 60f;
            gate[520] = -60f;
        }

        @Override
        public double[] get() {
            float[] y = new float[x.length];
            float[] r = new float[5];
            VectorRmsNorm.forward(x, w, 5, 72, 1e-5f, y, r);
            float[] dx = new float[x.length];
            float[] dw = new float[w.length];
            VectorRmsNorm.backward(x, w, r, gNorm, 5, 72, dx, dw);
            float[] h = new float[gate.length];
            VectorSwiGlu.forward(gate, up, h);
            float[] dGate = new float[gate.length];
            float[] dUp = new float[gate.length];
            VectorSwiGlu.backward(gate, up, gGlu, dGate, dUp);
            return JitIndependence.outputs(y, r, dx, dw, h, dGate, dUp);
        }
    }
}
