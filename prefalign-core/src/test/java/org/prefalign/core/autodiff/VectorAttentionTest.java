package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.math.JitIndependence;

/**
 * The Vector API attention kernel against the array-op implementation (whose gradients are
 * finite-difference checked in double): same outputs and same gradients in float32, over shapes
 * that do and do not fill whole vectors, with left and right padding and fully padded queries.
 */
class VectorAttentionTest {

    private record Result(INDArray out, INDArray dq, INDArray dk, INDArray dv) {
    }

    private static Result run(Implementation impl, INDArray q, INDArray k, INDArray v,
            INDArray seed, AttentionMask mask, GroupedQueryAttention.Shape s) {
        Tensor qt = Tensor.parameter(q.dup());
        Tensor kt = Tensor.parameter(k.dup());
        Tensor vt = Tensor.parameter(v.dup());
        try (Tape tape = Tape.recording()) {
            Tensor out = GroupedQueryAttention.apply(tape, qt, kt, vt, mask, s, impl);
            INDArray o = out.value().dup();
            tape.backward(out, seed);
            return new Result(o, qt.grad(), kt.grad(), vt.grad());
        }
    }

    private static void assertClose(String what, INDArray want, INDArray got) {
        double scale = Math.max(1e-3, want.amaxNumber().doubleValue());
        double err = want.sub(got).amaxNumber().doubleValue();
        assertTrue(err <= 2e-5 * scale, what + ": max error " + err + " at scale " + scale);
    }

    private static boolean[][] randomPadding(Random rng, int b, int t) {
        boolean[][] valid = new boolean[b][t];
        for (int s = 0; s < b; s++) {
            int left = rng.nextInt(t / 3 + 1);
            int right = rng.nextInt(t / 3 + 1);
            for (int i = left; i < t - right; i++) {
                valid[s][i] = true;
            }
        }
        return valid;
    }

    @Test
    void agreesWithArrayOpsForwardAndBackward() {
        Random rng = new Random(121);
        List<GroupedQueryAttention.Shape> shapes = List.of(
                new GroupedQueryAttention.Shape(2, 5, 4, 2, 3),
                new GroupedQueryAttention.Shape(3, 37, 6, 2, 8),
                new GroupedQueryAttention.Shape(1, 16, 2, 2, 4),
                new GroupedQueryAttention.Shape(2, 64, 8, 4, 8));
        for (GroupedQueryAttention.Shape s : shapes) {
            int n = s.batch() * s.queries();
            INDArray q = GradCheck.random(rng, 2, n, s.heads() * s.headDim()).castTo(DataType.FLOAT);
            INDArray k = GradCheck.random(rng, 2, n, s.kvHeads() * s.headDim()).castTo(DataType.FLOAT);
            INDArray v = GradCheck.random(rng, 1, n, s.kvHeads() * s.headDim()).castTo(DataType.FLOAT);
            INDArray seed = GradCheck.random(rng, 1, n, s.heads() * s.headDim()).castTo(DataType.FLOAT);
            AttentionMask mask = new AttentionMask(randomPadding(rng, s.batch(), s.queries()), s.queries());
            Result want = run(Implementation.ARRAY_OPS, q, k, v, seed, mask, s);
            Result got = run(Implementation.VECTOR, q, k, v, seed, mask, s);
            assertClose(s + " output", want.out(), got.out());
            assertClose(s + " dq", want.dq(), got.dq());
            assertClose(s + " dk", want.dk(), got.dk());
            assertClose(s + " dv", want.dv(), got.dv());
        }
    }

    @Test
    void onlyFloat32IsVectorised() {
        Tensor q = Tensor.constant(GradCheck.random(new Random(1), 1, 2, 4));
        AttentionMask mask = new AttentionMask(new boolean[][] {{true, true}}, 2);
        GroupedQueryAttention.Shape s = new GroupedQueryAttention.Shape(1, 2, 2, 2, 2);
        try (Tape tape = Tape.inference()) {
            assertThrows(IllegalArgumentException.class,
                    () -> GroupedQueryAttention.apply(tape, q, q, q, mask, s, Implementation.VECTOR));
        }
        assertEquals(DataType.DOUBLE, q.dataType());
    }

    @Test
    void bitsDoNotDependOnTheJit() throws Exception {
        JitIndependence.assertSameBitsInterpretedAndCompiled(ForwardBackward.class, 20_000);
    }

    /**
     * The kernel's forward and backward on 2 sequences of 21 tokens, 4 query and 2 key/value heads
     * of 8 features; the second sequence's first 3 keys are padding, so its first queries see no key.
     */
    private static final class ForwardBackward implements Supplier<double[]> {
        private final GroupedQueryAttention.Shape s = new GroupedQueryAttention.Shape(2, 21, 4, 2, 8);
        private final int n = s.batch() * s.queries();
        private final float[] q = JitIndependence.gaussians(1, n * s.heads() * s.headDim(), 2);
        private final float[] k = JitIndependence.gaussians(2, n * s.kvHeads() * s.headDim(), 2);
        private final float[] v = JitIndependence.gaussians(3, n * s.kvHeads() * s.headDim(), 1);
        private final float[] go = JitIndependence.gaussians(4, n * s.heads() * s.headDim(), 1);
        private final AttentionMask mask;

        ForwardBackward() {
            boolean[][] valid = new boolean[2][21];
            java.util.Arrays.fill(valid[0], true);
            java.util.Arrays.fill(valid[1], 3, 21, true);
            mask = new AttentionMask(valid, 21);
        }

        @Override
        public double[] get() {
            float[] out = new float[q.length];
            float[] lse = new float[s.batch() * s.heads() * s.queries()];
            VectorAttention.forward(q, k, v, mask, s, out, lse);
            float[] dq = new float[q.length];
            float[] dk = new float[k.length];
            float[] dv = new float[v.length];
            VectorAttention.backward(q, k, v, out, lse, go, mask, s, dq, dk, dv);
            return JitIndependence.outputs(out, lse, dq, dk, dv);
        }
    }
}
