package org.prefalign.core.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A {@link TokenLogProbKernel} built from ND4J ops only, so that the tensors stay on the device
 * of a CUDA backend. Forward: row maxima, x − max, a gather of the shifted target logits, then
 * exp and a sum over the vocabulary. Backward: −upstream · e^{x − lse}, plus a scatter-add of
 * upstream at the targets. Only [B, T] vectors (targets, lse, upstream) visit the host. On the
 * CPU it is correct but many times slower than {@link HostTokenLogProbKernel}.
 */
public final class Nd4jTokenLogProbKernel implements TokenLogProbKernel {

    private final int ignoreIndex;

    Nd4jTokenLogProbKernel(int ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public int ignoreIndex() {
        return ignoreIndex;
    }

    @Override
    public TokenLogProbs forward(INDArray logits, INDArray targets) {
        TokenLogProbInputs in = TokenLogProbInputs.check(logits, targets, ignoreIndex);
        int rows = in.batch * in.time;
        // lse = max + log Σ e^{x − max} and logp = (x_y − max) − log Σ e^{x − max}, the last step in
        // double on the host: ND4J's logsumexp op does not shift, and x_y − lse in float loses digits
        INDArray max = logits.max(true, 2);
        INDArray shifted = Nd4j.createUninitialized(logits.dataType(), logits.shape());
        Nd4j.exec(new SubOp(logits, max, shifted));
        double[] pickedShifted = Nd4j.exec(new Gather(shifted.reshape(shifted.length()), flatTargetIndices(in), 0))[0]
                .toDoubleVector();
        Transforms.exp(shifted, false);
        double[] logSum = Transforms.log(shifted.sum(2), false).dup('c').reshape(rows).toDoubleVector();
        shifted.close(); // [B, T, V] off-heap: freed now rather than whenever the GC runs
        double[] rowMax = max.dup('c').reshape(rows).toDoubleVector();
        double[] logp = new double[rows];
        double[] lse = new double[rows];
        for (int r = 0; r < rows; r++) {
            if (in.targets[r] != TokenLogProbInputs.IGNORED) {
                lse[r] = rowMax[r] + logSum[r];
                in.requireFiniteLse(lse[r], r);
                logp[r] = pickedShifted[r] - logSum[r];
            }
        }
        return new TokenLogProbs(in.matrix(logp, logits.dataType()), in.matrix(lse, logits.dataType()));
    }

    @Override
    public void backward(INDArray logits, INDArray targets, INDArray lse, INDArray upstream, INDArray gradOut) {
        TokenLogProbInputs in = TokenLogProbInputs.check(logits, targets, ignoreIndex);
        in.requireGradientOutput(gradOut, logits);
        double[] l = in.rowValues(lse, "lse");
        double[] u = in.rowValues(upstream, "upstream");
        int rows = l.length;
        double[] shift = new double[rows];
        double[] scale = new double[rows];
        for (int r = 0; r < rows; r++) {
            if (in.targets[r] == TokenLogProbInputs.IGNORED) {
                shift[r] = Double.POSITIVE_INFINITY; // e^{x − ∞} = 0: an ignored row's gradient is zero
            } else {
                in.requireFinite(l[r], "lse", r);
                in.requireFinite(u[r], "upstream", r);
                shift[r] = l[r];
                scale[r] = u[r];
            }
        }
        DataType type = logits.dataType();
        INDArray shift3 = Nd4j.createFromArray(shift).castTo(type).reshape(in.batch, in.time, 1);
        INDArray scale3 = Nd4j.createFromArray(scale).castTo(type).reshape(in.batch, in.time, 1);
        // gradOut = −u · e^{x − lse}, then + u at each target
        Nd4j.exec(new SubOp(logits, shift3, gradOut));
        Transforms.exp(gradOut, false);
        Nd4j.exec(new MulOp(gradOut, scale3.neg(), gradOut));
        Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                .addInputs(gradOut.reshape(gradOut.length()), flatTargetIndices(in), scale3.reshape(rows))
                .addOutputs(gradOut.reshape(gradOut.length()))
                .build());
    }

    @Override
    public String toString() {
        return "TokenLogProbKernel[nd4j, ignoreIndex=" + ignoreIndex + "]";
    }

    /** r·V + y_r: the flat index of each row's target (row start for ignored rows). */
    private static INDArray flatTargetIndices(TokenLogProbInputs in) {
        long[] idx = new long[in.targets.length];
        for (int r = 0; r < idx.length; r++) {
            idx[r] = (long) r * in.vocab + Math.max(0, in.targets[r]);
        }
        return Nd4j.createFromArray(idx);
    }
}
