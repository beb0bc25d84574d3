package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise (Hadamard) product y = a ⊙ b, with b broadcast onto a's shape. Backward:
 * dL/da = G ⊙ b, dL/db = (G ⊙ a) summed over the broadcast axes.
 */
public final class Mul {

    private Mul() {
    }

    public static Tensor apply(Tape tape, Tensor a, Tensor b) {
        INDArray bAligned = Broadcasting.align(b.value(), a.shape(), "mul");
        Add.checkTypes(a, b);
        boolean grad = tape.needsGrad(a, b);
        INDArray y = a.value().dup('c');
        y.muli(bAligned);
        Tensor out = tape.output(y, grad);
        if (grad) {
            tape.record(out, () -> {
                INDArray g = out.grad();
                if (a.requiresGrad()) {
                    INDArray ga = g.dup('c');
                    ga.muli(bAligned);
                    a.accumulateOwned(ga);
                }
                if (b.requiresGrad()) {
                    INDArray gb = g.dup('c');
                    gb.muli(a.value());
                    b.accumulateOwned(Broadcasting.sumTo(gb, b.shape()));
                    Buffers.release(gb);
                }
            });
        }
        return out;
    }
}
