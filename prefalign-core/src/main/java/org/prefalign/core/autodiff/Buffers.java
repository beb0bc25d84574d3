package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Early release of ND4J's off-heap buffers. Large temporaries left to the garbage collector
 * cost two to three times their size in peak memory, so ops free what they allocated as soon as
 * it is dead. Only arrays that own their buffer may be released: ND4J reports a permuted array
 * as closeable although it shares its source's buffer, so callers pass only arrays they
 * allocated themselves.
 */
public final class Buffers {

    private Buffers() {
    }

    /** Frees the buffers of freshly allocated arrays; {@code null} entries are skipped. */
    public static void release(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.wasClosed() && !a.isView() && a.closeable()) {
                a.close();
            }
        }
    }

    /**
     * A fresh c-order array of the given shape holding {@code source}'s elements in its
     * (c-order) iteration order: a permuted view made contiguous and reshaped in one copy. Unlike
     * {@code dup().reshape()}, the result owns its buffer and can be released.
     */
    public static INDArray copyAs(INDArray source, long... shape) {
        INDArray out = Nd4j.create(source.dataType(), shape);
        out.reshape(source.shape()).assign(source);
        return out;
    }
}
