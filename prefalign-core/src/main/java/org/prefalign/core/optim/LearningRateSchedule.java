package org.prefalign.core.optim;

/**
 * The learning rate as a function of the optimizer step, as Hugging Face's
 * {@code get_*_schedule_with_warmup}: the rate of step s (0-based, the s-th update) is
 * peak · factor(s), with a linear warmup factor s / warmup for s &lt; warmup (so a schedule with
 * warmup starts at 0, as HF's does).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate for update number {@code step} (0-based). */
    double rate(long step);

    /** A constant rate. */
    static LearningRateSchedule constant(double lr) {
        checkRate(lr);
        return step -> lr;
    }

    /** Linear warmup to {@code peak}, then linear decay to 0 at {@code totalSteps} (HF's "linear"). */
    static LearningRateSchedule warmupLinear(double peak, long warmupSteps, long totalSteps) {
        checkSteps(peak, warmupSteps, totalSteps);
        return step -> {
            checkStep(step);
            if (step < warmupSteps) {
                return peak * step / Math.max(1, warmupSteps);
            }
            return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
        };
    }

    /**
     * Linear warmup to {@code peak}, then half a cosine down to 0 at {@code totalSteps} (HF's
     * "cosine": 0.5·(1 + cos(π·progress))), and 0 after it.
     */
    static LearningRateSchedule warmupCosine(double peak, long warmupSteps, long totalSteps) {
        checkSteps(peak, warmupSteps, totalSteps);
        return step -> {
            checkStep(step);
            if (step < warmupSteps) {
                return peak * step / Math.max(1, warmupSteps);
            }
            // HF lets the cosine rise again past totalSteps; the rate stays 0 there instead
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
            return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    private static void checkRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
    }

    private static void checkSteps(double peak, long warmupSteps, long totalSteps) {
        checkRate(peak);
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps > 0, got warmup "
                    + warmupSteps + ", total " + totalSteps);
        }
    }

    private static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }
}
