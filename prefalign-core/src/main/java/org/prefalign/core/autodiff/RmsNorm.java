package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Root-mean-square layer normalisation (Zhang &amp; Sennrich, "Root Mean Square Layer
 * Normalization", 2019, arXiv:1910.07467), per row of x [N, D]:
 * r = (mean_j x_j² + ε)^{−1/2}, x̂ = x·r, y = x̂ ⊙ w.
 *
 * <p>Backward (one fused step instead of a chain of tiny ops): dL/dw = Σ_rows G ⊙ x̂ and, with
 * ĝ = G ⊙ w, dL/dx = r·(ĝ − x̂ · mean_j(ĝ_j x̂_j)).
 */
public final class RmsNorm {

    private RmsNorm() {
    }

    public static Tensor apply(Tape tape, Tensor x, Tensor weight, double eps) {
        return apply(tape, x, weight, eps, Implementation.AUTO);
    }

    /** @see Implementation */
    public static Tensor apply(Tape tape, Tensor x, Tensor weight, double eps, Implementation impl) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("RMSNorm eps must be a positive finite number, got " + eps);
        }
        if (x.value().rank() != 2 || weight.value().rank() != 1 || weight.shape()[0] != x.shape()[1]) {
            throw new IllegalArgumentException("RMSNorm needs x [N, D] and weight [D], got x "
                    + java.util.Arrays.toString(x.shape()) + " and weight " + java.util.Arrays.toString(weight.shape()));
        }
        Add.checkTypes(x, weight);
        if (impl.vectorFor(x.dataType(), "RMSNorm")) {
            return vectorised(tape, x, weight, eps);
        }
        boolean grad = tape.needsGrad(x, weight);
        INDArray squares = x.value().mul(x.value());
        INDArray r = squares.mean(true, 1).addi(eps);
        Buffers.release(squares);
        Transforms.pow(r, -0.5, false);
        INDArray xHat = x.value().dup('c');
        xHat.muli(r);
        INDArray y = xHat.dup('c');
        y.muliRowVector(weight.value());
        Tensor out = tape.output(y, grad);
        if (!grad) {
            Buffers.release(r, xHat);
            return out;
        }
        tape.own(r);
        tape.own(xHat);
        tape.record(out, () -> {
            INDArray g = out.grad();
            if (weight.requiresGrad()) {
                INDArray gx = g.mul(xHat);
                INDArray gw = gx.sum(0);
                weight.accumulateOwned(gw);
                Buffers.release(gx);
            }
            if (x.requiresGrad()) {
                INDArray gHat = g.dup('c');
                gHat.muliRowVector(weight.value());
                INDArray prod = gHat.mul(xHat);
                INDArray c = prod.mean(true, 1);
                Buffers.release(prod);
                INDArray corr = xHat.dup('c');
                corr.muli(c);
                gHat.subi(corr).muli(r);
                Buffers.release(c, corr);
                x.accumulateOwned(gHat);
            }
        });
        return out;
    }

    private static Tensor vectorised(Tape tape, Tensor x, Tensor weight, double eps) {
        boolean grad = tape.needsGrad(x, weight);
        int rows = (int) x.shape()[0];
        int dim = (int) x.shape()[1];
        float[] xs = HostFloats.read(x.value());
        float[] w = HostFloats.read(weight.value());
        float[] y = new float[xs.length];
        float[] r = new float[rows];
        VectorRmsNorm.forward(xs, w, rows, dim, (float) eps, y, r);
        Tensor out = tape.output(HostFloats.write(y, x.shape()), grad);
        if (grad) {
            tape.record(out, () -> {
                float[] dx = new float[xs.length];
                float[] dw = new float[dim];
                VectorRmsNorm.backward(xs, w, r, HostFloats.read(out.grad()), rows, dim, dx, dw);
                if (x.requiresGrad()) {
                    x.accumulateOwned(HostFloats.write(dx, x.shape()));
                }
                if (weight.requiresGrad()) {
                    weight.accumulateOwned(HostFloats.write(dw, weight.shape()));
                }
            });
        }
        return out;
    }
}
