package org.prefalign.core.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NumPy broadcasting of a second operand onto a first one's shape, and its adjoint: the
 * gradient of a broadcast operand is the upstream gradient summed over the broadcast axes.
 * ND4J broadcasts fast only in place ({@code a.addi(b)}), so ops here always write into an
 * array of the full shape.
 */
final class Broadcasting {

    private Broadcasting() {
    }

    /** b viewed with a's rank (leading unit axes), after checking each axis is equal or 1. */
    static INDArray align(INDArray b, long[] target, String op) {
        long[] bs = b.shape();
        if (bs.length > target.length) {
            throw new IllegalArgumentException(op + ": cannot broadcast " + Arrays.toString(bs)
                    + " onto " + Arrays.toString(target));
        }
        long[] aligned = new long[target.length];
        int lead = target.length - bs.length;
        for (int i = 0; i < target.length; i++) {
            aligned[i] = i < lead ? 1 : bs[i - lead];
            if (aligned[i] != 1 && aligned[i] != target[i]) {
                throw new IllegalArgumentException(op + ": cannot broadcast " + Arrays.toString(bs)
                        + " onto " + Arrays.toString(target));
            }
        }
        return Arrays.equals(aligned, bs) ? b : b.reshape(aligned);
    }

    /** Sums g (of the full shape) down to {@code shape}; returns a fresh array. */
    static INDArray sumTo(INDArray g, long[] shape) {
        if (Arrays.equals(g.shape(), shape)) {
            return g.dup('c');
        }
        long[] full = g.shape();
        int lead = full.length - shape.length;
        int[] axes = new int[full.length];
        int n = 0;
        for (int i = 0; i < full.length; i++) {
            long s = i < lead ? 1 : shape[i - lead];
            if (s == 1 && full[i] != 1) {
                axes[n++] = i;
            }
        }
        INDArray summed = g.sum(true, Arrays.copyOf(axes, n));
        INDArray result = summed.reshape(shape).dup('c');
        Buffers.release(summed);
        return result;
    }
}
