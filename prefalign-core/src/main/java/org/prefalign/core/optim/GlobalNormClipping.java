package org.prefalign.core.optim;

import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Tensor;

/**
 * Gradient clipping by global norm (Pascanu et al., "On the difficulty of training recurrent
 * neural networks", 2013, arXiv:1211.5063), as {@code torch.nn.utils.clip_grad_norm_}: with
 * ‖g‖ the L2 norm of all gradients together, every gradient is scaled by
 * min(1, maxNorm / (‖g‖ + 10⁻⁶)).
 */
public final class GlobalNormClipping {

    private GlobalNormClipping() {
    }

    /** The L2 norm of all gradients together (parameters without a gradient count as 0). */
    public static double norm(Collection<Tensor> parameters) {
        double sumSquares = 0;
        for (Tensor p : parameters) {
            INDArray g = p.grad();
            if (g != null) {
                double n = g.norm2Number().doubleValue();
                sumSquares += n * n;
            }
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Clips in place and returns the norm before clipping.
     *
     * @throws IllegalArgumentException when maxNorm is not positive
     * @throws IllegalStateException when the gradient norm is NaN or infinite (a diverged step)
     */
    public static double clip(Collection<Tensor> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        double norm = norm(parameters);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("gradient norm is " + norm + ": the loss or a gradient is not finite");
        }
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            for (Tensor p : parameters) {
                if (p.grad() != null) {
                    p.grad().muli(coefficient);
                }
            }
        }
        return norm;
    }
}
