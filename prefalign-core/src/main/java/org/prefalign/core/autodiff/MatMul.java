package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix product C = op(A) · op(B), where op transposes the last two axes when asked. Rank-2
 * operands use BLAS gemm; higher ranks are batched over the leading axes (which must agree).
 *
 * <p>Backward: with G = dL/dC, dL/dA = G · op(B)ᵀ (or op(B) · Gᵀ when A enters transposed) and
 * dL/dB = op(A)ᵀ · G (or Gᵀ · op(A) when B enters transposed). Rank-2 gradients accumulate into
 * existing gradient buffers directly (gemm with β = 1), which is how weight gradients of a
 * {@code Linear} layer pile up over micro-batches without temporaries.
 */
public final class MatMul {

    private MatMul() {
    }

    public static Tensor apply(Tape tape, Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        checkOperands(a.value(), b.value(), transposeA, transposeB);
        boolean grad = tape.needsGrad(a, b);
        Tensor out = tape.output(product(a.value(), b.value(), transposeA, transposeB), grad);
        if (grad) {
            tape.record(out, () -> {
                INDArray g = out.grad();
                if (a.requiresGrad()) {
                    if (transposeA) {
                        accumulateProduct(a, b.value(), g, transposeB, true);
                    } else {
                        accumulateProduct(a, g, b.value(), false, !transposeB);
                    }
                }
                if (b.requiresGrad()) {
                    if (transposeB) {
                        accumulateProduct(b, g, a.value(), true, transposeA);
                    } else {
                        accumulateProduct(b, a.value(), g, !transposeA, false);
                    }
                }
            });
        }
        return out;
    }

    /** op(x) · op(y) into a fresh array. */
    static INDArray product(INDArray x, INDArray y, boolean tx, boolean ty) {
        if (x.rank() == 2) {
            long rows = tx ? x.size(1) : x.size(0);
            long cols = ty ? y.size(0) : y.size(1);
            INDArray c = Nd4j.create(x.dataType(), rows, cols);
            return Nd4j.gemm(x, y, c, tx, ty, 1.0, 0.0);
        }
        return Nd4j.matmul(x, y, null, tx, ty, false);
    }

    /** target.grad += op(x) · op(y). */
    static void accumulateProduct(Tensor target, INDArray x, INDArray y, boolean tx, boolean ty) {
        if (x.rank() == 2 && target.hasGrad()) {
            Nd4j.gemm(x, y, target.gradBuffer(), tx, ty, 1.0, 1.0);
        } else {
            target.accumulateOwned(product(x, y, tx, ty));
        }
    }

    private static void checkOperands(INDArray a, INDArray b, boolean ta, boolean tb) {
        if (a.rank() < 2 || a.rank() != b.rank()) {
            throw new IllegalArgumentException("matmul needs operands of equal rank >= 2, got ranks "
                    + a.rank() + " and " + b.rank());
        }
        int r = a.rank();
        long inner = ta ? a.size(r - 2) : a.size(r - 1);
        long innerB = tb ? b.size(r - 1) : b.size(r - 2);
        if (inner != innerB) {
            throw new IllegalArgumentException("matmul inner dimensions differ: " + inner + " vs " + innerB);
        }
        for (int i = 0; i < r - 2; i++) {
            if (a.size(i) != b.size(i)) {
                throw new IllegalArgumentException("matmul batch axis " + i + " differs: " + a.size(i) + " vs " + b.size(i));
            }
        }
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException("matmul operand types differ: " + a.dataType() + " vs " + b.dataType());
        }
    }
}
