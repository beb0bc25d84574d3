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
        return apply(tape, gate, up, Implementation.AUTO);
    }

    /** @see Implementation */
    public static Tensor apply(Tape tape, Tensor gate, Tensor up, Implementation impl) {
        if (!java.util.Arrays.equals(gate.shape(), up.shape())) {
            throw new IllegalArgumentException("SwiGLU gate and up must have equal shapes, got "
                    + java.util.Arrays.toString(gate.shape()) + " and " + java.util.Arrays.toString(up.shape()));
        }
        Add.checkTypes(gate, up);
        if (impl.vectorFor(gate.dataType(), "SwiGLU")) {
            return vectorised(tape, gate, up);
        }
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

    private static Tensor vectorised(Tape tape, Tensor gate, Tensor up) {
        boolean grad = tape.needsGrad(gate, up);
        float[] g = HostFloats.read(gate.value());
        float[] u = HostFloats.read(up.value());
        float[] h = new float[g.length];
        VectorSwiGlu.forward(g, u, h);
        Tensor out = tape.output(HostFloats.write(h, gate.shape()), grad);
        if (grad) {
            tape.record(out, () -> {
                float[] dGate = new float[g.length];
                float[] dUp = new float[g.length];
                VectorSwiGlu.backward(g, u, HostFloats.read(out.grad()), dGate, dUp);
                if (gate.requiresGrad()) {
                    gate.accumulateOwned(HostFloats.write(dGate, gate.shape()));
                }
                if (up.requiresGrad()) {
                    up.accumulateOwned(HostFloats.write(dUp, up.shape()));
                }
            });
        }
        return out;
    }
}
