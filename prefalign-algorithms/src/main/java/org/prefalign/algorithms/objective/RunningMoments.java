package org.prefalign.algorithms.objective;

/**
 * Running mean and standard deviation of a stream of batches, merged with Chan et al.'s parallel
 * update (1979) as TRL's {@code RunningMoments} does.
 *
 * <p>BCO (Jung et al. 2024, arXiv:2404.04656) uses the running mean δ of the implicit rewards as
 * the decision boundary of its binary classifier. The state starts at mean 0, variance 1 and a
 * count of 1e-24 (TRL's initial values), so the first batch sets the mean almost exactly. It is
 * training state: checkpoints must save and restore it ({@link #state()}, {@link #restore}).
 */
public final class RunningMoments {

    private double mean = 0.0;
    private double var = 1.0;
    private double std = 1.0;
    private double count = 1e-24;

    /** Merges a batch of values into the running moments. */
    public void update(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("RunningMoments.update needs at least one value");
        }
        double n = xs.length;
        double m = 0;
        for (double x : xs) {
            m += x;
        }
        m /= n;
        double v = 0;
        for (double x : xs) {
            v += (x - m) * (x - m);
        }
        v /= n; // the batch's population variance
        double delta = m - mean;
        double total = count + n;
        double sumSq = var * count + delta * delta * count * n / total + v * n;
        mean += delta * n / total;
        var = sumSq / total;
        std = Math.sqrt(var * total / (total - 1));
        count = total;
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return std;
    }

    public double count() {
        return count;
    }

    /** The state as {mean, var, std, count}, for checkpoints. */
    public double[] state() {
        return new double[] {mean, var, std, count};
    }

    /** Restores a state written by {@link #state()}. */
    public void restore(double[] state) {
        if (state == null || state.length != 4) {
            throw new IllegalArgumentException("RunningMoments state must be {mean, var, std, count}");
        }
        mean = state[0];
        var = state[1];
        std = state[2];
        count = state[3];
    }
}
