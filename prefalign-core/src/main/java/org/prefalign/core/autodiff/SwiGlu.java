package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The SwiGLU gate of a Llama feed-forward block (Shazeer, "GLU Variants Improve Transformer",
 * 2020, arXiv:2002.05202): h = silu(gate) ⊙ up, for the two projections gate and up of equal
 * shape. Fused, so backward reuses σ(gate): dL/dgate = G ⊙ up ⊙ silu'(gate), dL/dup = G ⊙ silu(gate).
 */
public final class SwiGlu {

    private SwiGlu() {
    }

    public static Tensor apply(Tape tape, Tensor gate, Tensor up) {
        if (!java.util.Arrays.equals(gate.shape(), up.shape())) {
            throw new IllegalArgumentException("SwiGLU gate and up must have equal shapes, got "
                    + java.util.Arrays.toString(gate.shape()) + " and " + java.util.Arrays.toString(up.shape()));
        }
        Add.checkTypes(gate, up);
        boolean grad = tape.needsGrad(gate, up);
        INDArray sig = Transforms.sigmoid(gate.value(), true);
        INDArray activated = sig.mul(gate.value());
        INDArray h = activated.mul(up.value());
        Tensor out = tape.output(h, grad);
        if (!grad) {
            Buffers.release(sig, activated);
            return out;
        }
        tape.own(sig);
        tape.own(activated);
        tape.record(out, () -> {
            INDArray g = out.grad();
            if (up.requiresGrad()) {
                up.accumulateOwned(g.mul(activated));
            }
            if (gate.requiresGrad()) {
                INDArray d = Silu.derivative(gate.value(), sig);
                d.muli(g).muli(up.value());
                gate.accumulateOwned(d);
            }
        });
        return out;
    }
}
