package org.prefalign.algorithms.objective.unpaired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertClose;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.algorithms.testing.FiniteDifference;
import org.prefalign.algorithms.testing.Vectors;

/** A batch of labelled completions in double arrays (KL pairs optional), and the checks the tests share. */
record Completions(double[] policy, double[] ref, boolean[] desirable, double[] policyKl, double[] refKl) {

    /** Seeded random completions with log-probs in (−40, −5), policy within ±3 nats of ref, and as many KL pairs. */
    static Completions random(long seed, int n) {
        Random r = new Random(seed);
        double[] ref = new double[n];
        double[] policy = new double[n];
        boolean[] desirable = new boolean[n];
        double[] refKl = new double[n];
        double[] policyKl = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = -5 - 35 * r.nextDouble();
            policy[i] = ref[i] + 6 * r.nextDouble() - 3;
            desirable[i] = r.nextInt(3) > 0;
            refKl[i] = -5 - 35 * r.nextDouble();
            policyKl[i] = refKl[i] + r.nextDouble() - 0.3;
        }
        return new Completions(policy, ref, desirable, policyKl, refKl);
    }

    int size() {
        return policy.length;
    }

    UnpairedLogps logps(DataType type) {
        return new UnpairedLogps(Vectors.of(policy, type), Vectors.of(ref, type), desirable,
                policyKl == null ? null : Vectors.of(policyKl, type), refKl == null ? null : Vectors.of(refKl, type));
    }

    UnpairedLogps logps() {
        return logps(DataType.DOUBLE);
    }

    Completions withPolicy(double[] x) {
        return new Completions(x, ref, desirable, policyKl, refKl);
    }

    Completions withoutKl() {
        return new Completions(policy, ref, desirable, null, null);
    }

    /** Completions [from, to), with their own KL pairs [from, to). */
    Completions slice(int from, int to) {
        return new Completions(Arrays.copyOfRange(policy, from, to), Arrays.copyOfRange(ref, from, to),
                Arrays.copyOfRange(desirable, from, to),
                policyKl == null ? null : Arrays.copyOfRange(policyKl, from, to),
                refKl == null ? null : Arrays.copyOfRange(refKl, from, to));
    }

    /** d loss / d policy against central finite differences (double precision). */
    void checkGradient(String what, BiFunction<UnpairedLogps, StepNormalizer, ObjectiveResult> f, double tol) {
        UnpairedLogps in = logps();
        ObjectiveResult r = f.apply(in, in.normalizer());
        FiniteDifference.check(what, x -> {
            UnpairedLogps moved = withPolicy(x).logps();
            return f.apply(moved, moved.normalizer()).loss();
        }, policy, r.grad("policy").toDoubleVector(), tol);
    }

    /** Two micro-batches given the whole batch's normaliser add up to the whole batch. */
    void checkAccumulation(String what, BiFunction<UnpairedLogps, StepNormalizer, ObjectiveResult> whole,
                           BiFunction<UnpairedLogps, StepNormalizer, ObjectiveResult> micro, int split, double tol) {
        UnpairedLogps all = logps();
        StepNormalizer step = all.normalizer();
        ObjectiveResult w = whole.apply(all, step);
        ObjectiveResult a = micro.apply(slice(0, split).logps(), step);
        ObjectiveResult b = micro.apply(slice(split, size()).logps(), step);
        assertEquals(w.loss(), a.loss() + b.loss(), tol * Math.abs(w.loss()), what + ": loss");
        double[] merged = new double[size()];
        System.arraycopy(a.grad("policy").toDoubleVector(), 0, merged, 0, split);
        System.arraycopy(b.grad("policy").toDoubleVector(), 0, merged, split, size() - split);
        assertClose(what + ": gradient", w.grad("policy").toDoubleVector(), merged, tol);
    }

    /** Float32 inputs give a float32 gradient within float32 precision of the double one. */
    void checkFloat32(String what, BiFunction<UnpairedLogps, StepNormalizer, ObjectiveResult> f) {
        UnpairedLogps d = logps();
        UnpairedLogps s = logps(DataType.FLOAT);
        ObjectiveResult rd = f.apply(d, d.normalizer());
        ObjectiveResult rs = f.apply(s, s.normalizer());
        assertEquals(DataType.FLOAT, rs.grad("policy").dataType(), what);
        assertEquals(rd.loss(), rs.loss(), 1e-5 * Math.max(1, Math.abs(rd.loss())), what + ": loss");
        assertClose(what + ": float32 gradient", rd.grad("policy").toDoubleVector(), rs.grad("policy").toDoubleVector(),
                1e-5);
    }
}
