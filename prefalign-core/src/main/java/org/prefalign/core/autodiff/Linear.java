package org.prefalign.core.autodiff;

/**
 * An affine layer y = x Wᵀ + b with W stored [out, in] (PyTorch's {@code nn.Linear} layout, and
 * GGUF's row-major layout), composed of {@link MatMul} and an optional bias {@link Add}.
 */
public final class Linear {

    private Linear() {
    }

    /** x [N, in], weight [out, in], bias [out] or {@code null}; returns [N, out]. */
    public static Tensor apply(Tape tape, Tensor x, Tensor weight, Tensor bias) {
        Tensor y = MatMul.apply(tape, x, weight, false, true);
        return bias == null ? y : Add.apply(tape, y, bias);
    }
}
