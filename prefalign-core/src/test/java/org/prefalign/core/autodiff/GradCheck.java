package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Finite-difference gradient check in double precision: the analytic gradient of
 * L = Σ c ⊙ f(inputs), for a fixed random c, against central differences
 * (L(x + h) − L(x − h)) / 2h on sampled entries of every input.
 */
public final class GradCheck {

    private static final double H = 1e-6;

    private GradCheck() {
    }

    /** Random double array with entries uniform in [−scale, scale). */
    public static INDArray random(Random rng, double scale, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * scale;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /**
     * Checks d L / d input for every input (double parameters), at up to {@code maxEntries}
     * sampled entries each, to a mixed tolerance |num − ana| ≤ tol·max(1, |num|).
     */
    public static void check(String what, List<Tensor> inputs, Function<Tape, Tensor> f, double tol, int maxEntries) {
        Random rng = new Random(what.hashCode());
        for (Tensor in : inputs) {
            if (in.dataType() != DataType.DOUBLE || !in.isParameter()) {
                throw new IllegalArgumentException("gradient checks need double parameters, got " + in);
            }
            in.zeroGrad();
        }
        INDArray c;
        try (Tape tape = Tape.recording()) {
            Tensor out = f.apply(tape);
            c = random(rng, 1.0, out.shape());
            tape.backward(out, c);
        }
        for (int k = 0; k < inputs.size(); k++) {
            Tensor in = inputs.get(k);
            INDArray analytic = in.grad() == null ? in.value().ulike().assign(0) : in.grad().dup();
            INDArray flat = in.value().reshape(in.value().length());
            long n = flat.length();
            int samples = (int) Math.min(n, maxEntries);
            double worst = 0;
            for (int s = 0; s < samples; s++) {
                long i = samples == n ? s : (long) (rng.nextDouble() * n);
                double x = flat.getDouble(i);
                flat.putScalar(i, x + H);
                double plus = loss(f, c);
                flat.putScalar(i, x - H);
                double minus = loss(f, c);
                flat.putScalar(i, x);
                double numeric = (plus - minus) / (2 * H);
                double ana = analytic.reshape(n).getDouble(i);
                double err = Math.abs(numeric - ana) / Math.max(1.0, Math.abs(numeric));
                worst = Math.max(worst, err);
                assertTrue(err <= tol, what + ": input " + k + " " + in + " entry " + i + ": analytic " + ana
                        + " vs numeric " + numeric);
            }
            assertTrue(worst <= tol);
        }
    }

    private static double loss(Function<Tape, Tensor> f, INDArray c) {
        try (Tape tape = Tape.inference()) {
            return f.apply(tape).value().mul(c).sumNumber().doubleValue();
        }
    }
}
