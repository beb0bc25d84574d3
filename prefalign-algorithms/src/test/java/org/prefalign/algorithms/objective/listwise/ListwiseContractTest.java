package org.prefalign.algorithms.objective.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.objective.listwise.Lists.grad;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.ListwiseLogps;
import org.prefalign.algorithms.objective.ListwiseObjective;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.FiniteDifference;

/** What every listwise objective must satisfy: exact gradients, masking, accumulation, float32. */
class ListwiseContractTest {

    static Stream<String> configs() {
        return Stream.of(
                "{\"type\": \"listmle\", \"beta\": 0.7}",
                "{\"type\": \"lipo\", \"beta\": 0.3}",
                "{\"type\": \"pro\", \"sft_weight\": 0.05}",
                "{\"type\": \"pro\", \"sft_weight\": 0.2, \"reward_temperature\": false}",
                "{\"type\": \"rrhf\", \"sft_weight\": 1.0}",
                "{\"type\": \"rrhf\", \"sft_weight\": 0.0}");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientMatchesFiniteDifferencesOnFullListsWithTies(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ListwiseLogps in = Lists.random(11, 3, 5); // scores drawn from 5 values: ties in every list
        FiniteDifference.check(json, x -> o.compute(Lists.withPolicy(in, x)).loss(), Lists.flat(in.policy()),
                grad(o.compute(in)), 1e-6);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientMatchesFiniteDifferencesWithPadding(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ListwiseLogps in = Lists.padded(3.5);
        FiniteDifference.check(json, x -> o.compute(Lists.withPolicy(in, x)).loss(), Lists.flat(in.policy()),
                grad(o.compute(in)), 1e-6);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void paddingIsIgnoredAndGetsExactlyZeroGradient(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ObjectiveResult a = o.compute(Lists.padded(0.0));
        ObjectiveResult b = o.compute(Lists.padded(1e9));
        assertEquals(a.loss(), b.loss(), 0.0, "loss must not see padding");
        assertArrayEquals(Lists.flat(a.perExample()), Lists.flat(b.perExample()), 0.0);
        assertArrayEquals(grad(a), grad(b), 0.0, "gradients of present entries must not see padding");
        assertEquals(a.metrics(), b.metrics());
        double[] mask = Lists.flat(Lists.padded(0).mask());
        double[] g = grad(b);
        for (int i = 0; i < g.length; i++) {
            if (mask[i] == 0) {
                assertEquals(0.0, g[i], 0.0, "padding entry " + i + " must get exactly zero gradient");
            } else {
                assertTrue(g[i] != 0.0 || json.contains("rrhf"), "present entry " + i + " should get a gradient");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aPaddedListEqualsTheSameListUnpadded(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ListwiseLogps in = Lists.padded(7.0);
        ObjectiveResult batch = o.compute(in);
        double[][] mask = in.mask().toDoubleMatrix();
        for (int b = 0; b < in.batchSize(); b++) {
            ListwiseLogps alone = compact(in, b);
            ObjectiveResult r = o.compute(alone);
            assertEquals(r.loss(), batch.perExample().getDouble(b), 1e-12, "list " + b);
            double[] g = grad(r);
            double[][] gb = batch.grad("policy").toDoubleMatrix();
            int at = 0;
            for (int k = 0; k < mask[b].length; k++) {
                if (mask[b][k] == 1) {
                    // the batch divides by its 3 lists, the list alone by 1
                    assertEquals(g[at++], 3 * gb[b][k], 1e-12, "list " + b + " column " + k);
                }
            }
        }
    }

    /** List b with its padding removed, as a batch of one. */
    private static ListwiseLogps compact(ListwiseLogps in, int b) {
        double[] mask = in.mask().toDoubleMatrix()[b];
        int n = 0;
        for (double m : mask) {
            n += (int) m;
        }
        double[][][] cols = {new double[1][n], new double[1][n], new double[1][n], new double[1][n]};
        INDArray[] src = {in.policy(), in.ref(), in.scores(), in.tokens()};
        for (int s = 0; s < 4; s++) {
            double[] rowValues = src[s].toDoubleMatrix()[b];
            int at = 0;
            for (int k = 0; k < mask.length; k++) {
                if (mask[k] == 1) {
                    cols[s][0][at++] = rowValues[k];
                }
            }
        }
        return Lists.of(cols[0], cols[1], cols[2], cols[3], null);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void twoMicroBatchesWithTheStepNormalizerEqualOneBatch(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ListwiseLogps all = Lists.random(5, 4, 4);
        StepNormalizer step = all.normalizer();
        ObjectiveResult whole = o.compute(all);
        ObjectiveResult first = o.compute(Lists.rows(all, 0, 1), step);
        ObjectiveResult second = o.compute(Lists.rows(all, 1, 4), step);
        assertEquals(whole.loss(), first.loss() + second.loss(), 1e-12);
        double[][] g = whole.grad("policy").toDoubleMatrix();
        double[][] g1 = first.grad("policy").toDoubleMatrix();
        double[][] g2 = second.grad("policy").toDoubleMatrix();
        assertArrayEquals(g[0], g1[0], 1e-15);
        for (int b = 1; b < 4; b++) {
            assertArrayEquals(g[b], g2[b - 1], 1e-15);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void lossIsTheMeanOfPerListLossesAndIndependentOfColumnOrder(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        double[][] policy = {{-10, -14, -9, -20}};
        double[][] ref = {{-11, -13, -10, -18}};
        double[][] scores = {{0.3, 0.9, 0.1, 0.6}};
        double[][] tokens = {{4, 7, 3, 9}};
        int[] perm = {2, 0, 3, 1};
        ObjectiveResult r = o.compute(Lists.of(policy, ref, scores, tokens, null));
        ObjectiveResult p = o.compute(Lists.of(permute(policy, perm), permute(ref, perm), permute(scores, perm),
                permute(tokens, perm), null));
        assertEquals(r.loss(), p.loss(), 1e-12);
        double[] g = grad(r);
        double[] gp = grad(p);
        for (int k = 0; k < perm.length; k++) {
            assertEquals(g[perm[k]], gp[k], 1e-12);
        }
        ObjectiveResult two = o.compute(Lists.of(new double[][] {policy[0], permute(policy, perm)[0]},
                new double[][] {ref[0], permute(ref, perm)[0]}, new double[][] {scores[0], permute(scores, perm)[0]},
                new double[][] {tokens[0], permute(tokens, perm)[0]}, null));
        assertEquals(r.loss(), two.loss(), 1e-12);
        assertEquals(r.loss(), two.perExample().getDouble(1), 1e-12);
    }

    private static double[][] permute(double[][] a, int[] perm) {
        double[] out = new double[perm.length];
        for (int k = 0; k < perm.length; k++) {
            out[k] = a[0][perm[k]];
        }
        return new double[][] {out};
    }

    @ParameterizedTest
    @MethodSource("configs")
    void float32InputsGiveFloat32GradientsThatMatchDouble(String json) {
        ListwiseObjective o = Objectives.listwise(json);
        ListwiseLogps f = Lists.cast(Lists.padded(2.0), DataType.FLOAT);
        ListwiseLogps d = Lists.cast(f, DataType.DOUBLE); // the same float-rounded values, in double
        ObjectiveResult rf = o.compute(f);
        ObjectiveResult rd = o.compute(d);
        assertEquals(DataType.FLOAT, rf.grad("policy").dataType());
        assertEquals(rd.loss(), rf.loss(), 0.0, "the computation itself is in double");
        double[] gf = grad(rf);
        double[] gd = grad(rd);
        for (int i = 0; i < gd.length; i++) {
            assertEquals((float) gd[i], gf[i], 0.0);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void metricsAreFiniteAndNamed(String json) {
        ObjectiveResult r = Objectives.listwise(json).compute(Lists.padded(0.5));
        for (String name : new String[] {"rewards/best", "rewards/worst", "rewards/margins", "rewards/accuracies",
                "logps/best", "logps/worst"}) {
            assertTrue(Double.isFinite(r.metrics().get(name)), name + " in " + r.metrics());
        }
        assertEquals(json.contains("pro") || json.contains("rrhf"), r.metrics().containsKey("nll_loss"));
    }
}
