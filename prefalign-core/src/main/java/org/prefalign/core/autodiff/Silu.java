package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SiLU / swish, silu(x) = x·σ(x) (Elfwing et al., 2017, arXiv:1702.03118; Ramachandran et al.,
 * 2017, arXiv:1710.05941). Derivative: σ(x)·(1 + x·(1 − σ(x))).
 */
public final class Silu {

    private Silu() {
    }

    public static Tensor apply(Tape tape, Tensor x) {
        boolean grad = tape.needsGrad(x);
        INDArray sig = Transforms.sigmoid(x.value(), true);
        INDArray y = sig.mul(x.value());
        Tensor out = tape.output(y, grad);
        if (!grad) {
            Buffers.release(sig);
            return out;
        }
        tape.own(sig);
        tape.record(out, () -> {
            INDArray d = derivative(x.value(), sig);
            d.muli(out.grad());
            x.accumulateOwned(d);
        });
        return out;
    }

    /** silu'(x) = σ(x)·(1 + x·(1 − σ(x))) into a fresh array, given σ(x). */
    static INDArray derivative(INDArray x, INDArray sigmoid) {
        INDArray d = sigmoid.rsub(1.0);   // 1 − σ
        d.muli(x).addi(1.0).muli(sigmoid);
        return d;
    }
}
