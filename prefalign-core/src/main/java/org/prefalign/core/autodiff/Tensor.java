package org.prefalign.core.autodiff;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value in a computation and, when it takes part in differentiation, its gradient
 * d(loss)/d(value), accumulated by {@link Tape#backward}.
 *
 * <p>Three kinds: a <em>parameter</em> (a trainable leaf whose gradient persists across tapes
 * until {@link #zeroGrad()}, which is what makes gradient accumulation over micro-batches work),
 * a <em>constant</em> (no gradient) and an op <em>result</em> (gradient lives only during one
 * backward pass). Values are ND4J arrays, so the same code runs on every ND4J backend.
 */
public final class Tensor {

    private final INDArray value;
    private final boolean requiresGrad;
    private final boolean parameter;
    private INDArray grad;

    private Tensor(INDArray value, boolean requiresGrad, boolean parameter) {
        this.value = Objects.requireNonNull(value, "value");
        this.requiresGrad = requiresGrad;
        this.parameter = parameter;
    }

    /** A trainable leaf: gradients accumulate into {@link #grad()} across backward passes. */
    public static Tensor parameter(INDArray value) {
        return new Tensor(value, true, true);
    }

    /** A leaf that receives no gradient (inputs, frozen weights, masks). */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, false, false);
    }

    /** The output of an op; it needs a gradient exactly when some input of the op does. */
    static Tensor result(INDArray value, boolean requiresGrad) {
        return new Tensor(value, requiresGrad, false);
    }

    public INDArray value() {
        return value;
    }

    /** The accumulated gradient, or {@code null} when none has reached this tensor. */
    public INDArray grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public boolean isParameter() {
        return parameter;
    }

    public long[] shape() {
        return value.shape();
    }

    public DataType dataType() {
        return value.dataType();
    }

    /** Sets an accumulated gradient to zero (keeping its buffer). */
    public void zeroGrad() {
        if (grad != null) {
            grad.assign(0);
        }
    }

    /** grad += g, copying g when this is the first contribution. */
    void accumulate(INDArray g) {
        checkShape(g);
        if (grad == null) {
            grad = g.dup('c');
        } else {
            grad.addi(g);
        }
    }

    /** grad += g, taking ownership of g (a fresh temporary) when this is the first contribution. */
    void accumulateOwned(INDArray g) {
        checkShape(g);
        if (grad == null) {
            grad = g;
        } else {
            grad.addi(g);
            Buffers.release(g);
        }
    }

    /** The gradient buffer, created as zeros when absent, for ops that accumulate into it in place. */
    INDArray gradBuffer() {
        if (grad == null) {
            grad = value.ulike().assign(0);
        }
        return grad;
    }

    boolean hasGrad() {
        return grad != null;
    }

    /** Drops the gradient of an op result once its backward step has consumed it. */
    void releaseGrad() {
        if (!parameter && grad != null) {
            Buffers.release(grad);
            grad = null;
        }
    }

    private void checkShape(INDArray g) {
        if (!Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalStateException("gradient shape " + Arrays.toString(g.shape())
                    + " does not match value shape " + Arrays.toString(value.shape()));
        }
    }

    @Override
    public String toString() {
        return (parameter ? "Parameter" : requiresGrad ? "Tensor" : "Constant")
                + Arrays.toString(value.shape()) + " " + value.dataType();
    }
}
