package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise sum y = a + b, with b broadcast onto a's shape (a bias [out] onto [N, out], a
 * residual of equal shape). Backward: dL/da = G, dL/db = G summed over the broadcast axes.
 */
public final class Add {

    private Add() {
    }

    public static Tensor apply(Tape tape, Tensor a, Tensor b) {
        INDArray bAligned = Broadcasting.align(b.value(), a.shape(), "add");
        checkTypes(a, b);
        boolean grad = tape.needsGrad(a, b);
        INDArray y = a.value().dup('c');
        y.addi(bAligned);
        Tensor out = tape.output(y, grad);
        if (grad) {
            tape.record(out, () -> {
                INDArray g = out.grad();
                if (a.requiresGrad()) {
                    a.accumulate(g);
                }
                if (b.requiresGrad()) {
                    b.accumulateOwned(Broadcasting.sumTo(g, b.shape()));
                }
            });
        }
        return out;
    }

    static void checkTypes(Tensor a, Tensor b) {
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException("operand types differ: " + a.dataType() + " vs " + b.dataType());
        }
    }
}
