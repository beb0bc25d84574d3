package org.prefalign.core.autodiff;

import java.util.Arrays;

/** A new shape over the same elements in c order; backward reshapes the gradient back. */
public final class Reshape {

    private Reshape() {
    }

    public static Tensor apply(Tape tape, Tensor x, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != x.value().length()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(shape));
        }
        boolean grad = tape.needsGrad(x);
        Tensor out = tape.view(x.value().reshape('c', shape), grad);
        if (grad) {
            long[] original = x.shape();
            tape.record(out, () -> x.accumulate(out.grad().reshape('c', original)));
        }
        return out;
    }
}
