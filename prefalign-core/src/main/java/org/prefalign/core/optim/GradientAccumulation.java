package org.prefalign.core.optim;

import java.util.Optional;

/**
 * One optimizer step per k micro-batches: gradients of k backward passes add up in the
 * parameters (each loss normalised by the whole step's size, so the sum is the gradient of the
 * big batch); on the k-th, the sum is clipped, the optimizer steps at the schedule's rate, and the
 * gradients are zeroed.
 */
public final class GradientAccumulation {

    /** What a completed optimizer step did. */
    public record Step(long step, double learningRate, double gradientNorm) {
    }

    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final int microBatches;
    private final double maxGradientNorm;
    private int pending;

    /**
     * @param microBatches    backward passes per optimizer step (≥ 1)
     * @param maxGradientNorm clip threshold, or {@code Double.POSITIVE_INFINITY} for none
     */
    public GradientAccumulation(Optimizer optimizer, LearningRateSchedule schedule, int microBatches, double maxGradientNorm) {
        if (microBatches <= 0) {
            throw new IllegalArgumentException("microBatches must be positive, got " + microBatches);
        }
        if (!(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("maxGradientNorm must be positive (infinity: no clipping), got " + maxGradientNorm);
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.microBatches = microBatches;
        this.maxGradientNorm = maxGradientNorm;
    }

    /** Call after each micro-batch's backward; steps when it was the last of its group. */
    public Optional<Step> microBatchDone() {
        pending++;
        if (pending < microBatches) {
            return Optional.empty();
        }
        pending = 0;
        double norm = Double.isInfinite(maxGradientNorm)
                ? GlobalNormClipping.norm(optimizer.parameters().values())
                : GlobalNormClipping.clip(optimizer.parameters().values(), maxGradientNorm);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("gradient norm is " + norm + ": the loss or a gradient is not finite");
        }
        long step = optimizer.steps();
        double lr = schedule.rate(step);
        optimizer.step(lr);
        optimizer.zeroGrad();
        return Optional.of(new Step(step, lr, norm));
    }

    /** Micro-batches accumulated towards the next step. */
    public int pending() {
        return pending;
    }
}
