package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GroupedQueryAttentionTest {

    private static final int B = 2;
    private static final int T = 5;
    private static final int H = 4;
    private static final int KV = 2;
    private static final int D = 3;

    /** Attention by loops: query head h reads kv head h / (H / KV); key j visible iff j ≤ i and valid. */
    private static double[][] naive(INDArray q, INDArray k, INDArray v, boolean[][] valid) {
        double[][] out = new double[B * T][H * D];
        int groups = H / KV;
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int kvh = h / groups;
                for (int i = 0; i < T; i++) {
                    double[] s = new double[T];
                    double max = Double.NEGATIVE_INFINITY;
                    boolean any = false;
                    for (int j = 0; j < T; j++) {
                        if (j <= i && valid[b][j]) {
                            double dot = 0;
                            for (int c = 0; c < D; c++) {
                                dot += q.getDouble(b * T + i, h * D + c) * k.getDouble(b * T + j, kvh * D + c);
                            }
                            s[j] = dot / Math.sqrt(D);
                            max = Math.max(max, s[j]);
                            any = true;
                        }
                    }
                    if (!any) {
                        // a padding query that sees no key attends to itself alone
                        for (int c = 0; c < D; c++) {
                            out[b * T + i][h * D + c] = v.getDouble(b * T + i, kvh * D + c);
                        }
                        continue;
                    }
                    double z = 0;
                    for (int j = 0; j < T; j++) {
                        if (j <= i && valid[b][j]) {
                            z += Math.exp(s[j] - max);
                        }
                    }
                    for (int j = 0; j < T; j++) {
                        if (j <= i && valid[b][j]) {
                            double p = Math.exp(s[j] - max) / z;
                            for (int c = 0; c < D; c++) {
                                out[b * T + i][h * D + c] += p * v.getDouble(b * T + j, kvh * D + c);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final boolean[][] LEFT_PADDED = {
        {true, true, true, true, true},
        {false, false, true, true, true},
    };

    @Test
    void forwardMatchesLoopsWithGroupedHeadsCausalityAndPadding() {
        Random rng = new Random(71);
        Tensor q = Tensor.constant(GradCheck.random(rng, 2, B * T, H * D));
        Tensor k = Tensor.constant(GradCheck.random(rng, 2, B * T, KV * D));
        Tensor v = Tensor.constant(GradCheck.random(rng, 1, B * T, KV * D));
        AttentionMask mask = new AttentionMask(LEFT_PADDED, T);
        double[][] want = naive(q.value(), k.value(), v.value(), LEFT_PADDED);
        try (Tape tape = Tape.inference()) {
            INDArray o = GroupedQueryAttention.apply(tape, q, k, v, mask,
                    new GroupedQueryAttention.Shape(B, T, H, KV, D)).value();
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < T; i++) {
                    for (int c = 0; c < H * D; c++) {
                        assertEquals(want[b * T + i][c], o.getDouble(b * T + i, c), 1e-12, "b" + b + " i" + i + " c" + c);
                    }
                }
            }
        }
    }

    @Test
    void gradientsOfQueriesKeysAndValues() {
        Random rng = new Random(72);
        Tensor q = Tensor.parameter(GradCheck.random(rng, 2, B * T, H * D));
        Tensor k = Tensor.parameter(GradCheck.random(rng, 2, B * T, KV * D));
        Tensor v = Tensor.parameter(GradCheck.random(rng, 1, B * T, KV * D));
        AttentionMask mask = new AttentionMask(LEFT_PADDED, T);
        GroupedQueryAttention.Shape shape = new GroupedQueryAttention.Shape(B, T, H, KV, D);
        GradCheck.check("gqa", List.of(q, k, v), t -> GroupedQueryAttention.apply(t, q, k, v, mask, shape), 1e-7, 60);
    }

    @Test
    void causalMaskForQueriesAfterACache() {
        boolean[][] valid = {{false, true, true, true}};
        INDArray m = new AttentionMask(valid, 2).additive(DataType.DOUBLE);
        // queries are keys 2 and 3
        double[][] want = {
            {AttentionMask.MASKED, 0, 0, AttentionMask.MASKED},
            {AttentionMask.MASKED, 0, 0, 0},
        };
        assertMask(want, m);
        // a padding query with no visible key sees itself
        INDArray pad = new AttentionMask(new boolean[][] {{false, false, true}}, 3).additive(DataType.DOUBLE);
        double x = AttentionMask.MASKED;
        assertMask(new double[][] {{0, x, x}, {x, 0, x}, {x, x, 0}}, pad);
    }

    private static void assertMask(double[][] want, INDArray m) {
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                assertEquals(want[i][j], m.getDouble(0, 0, i, j), 0.0);
            }
        }
    }

    @Test
    void headsMustBeAMultipleOfKvHeads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GroupedQueryAttention.Shape(1, 2, 3, 2, 4));
        assertTrue(e.getMessage().contains("multiple"));
    }
}
