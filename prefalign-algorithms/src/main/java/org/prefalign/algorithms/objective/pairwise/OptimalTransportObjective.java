package org.prefalign.algorithms.objective.pairwise;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;

/**
 * Alignment via Optimal Transport (Melnyk, Mroueh, Belgodere, Rigotti, Nitsure, Yurochkin,
 * Greenewald, Navratil and Ross 2024, "Distributional Preference Alignment of LLMs via Optimal
 * Transport", arXiv:2406.05882): first-order stochastic dominance of one distribution of log-ratios
 * over another, enforced with the label-smoothed logistic loss on the gaps between their sorted
 * samples (the one-dimensional optimal transport plan pairs the k-th smallest with the k-th
 * smallest):
 *
 * <pre>  ℓ_k = −(1 − ε)·log σ(β·(a_(k) − b_(k))) − ε·log σ(−β·(a_(k) − b_(k)))</pre>
 *
 * <p><b>Batch-coupled.</b> {@code perExample()[k]} is the loss of the k-th quantile pair, not of
 * input pair k; the gradient of ℓ_k goes to the inputs that were sorted into position k (a stable
 * sort, so ties keep input order). The sort runs within each {@code compute} call: under gradient
 * accumulation each micro-batch is its own empirical distribution, and k micro-batches are not
 * one batch k times larger (larger micro-batches give finer quantiles).
 */
abstract class OptimalTransportObjective extends LogRatioObjective {

    private final double labelSmoothing;

    /** Reads {@code label_smoothing} in [0, 0.5) (0.0); TRL applies no f-divergence to AOT. */
    OptimalTransportObjective(ObjectiveConfig cfg) {
        super(cfg, FDivergence.REVERSE_KL);
        this.labelSmoothing = cfg.range("label_smoothing", 0.0, 0.0, false, 0.5, true);
    }

    /**
     * The quantile losses of samples {@code a} (to dominate) and {@code b}: {@code value[k]}, and
     * d(Σ_k value_k)/d a_j in {@code da[j]}, d(Σ_k value_k)/d b_j in {@code db[j]}.
     */
    final Quantiles quantileLosses(double[] a, double[] b) {
        int[] ia = ascending(a);
        int[] ib = ascending(b);
        Quantiles q = new Quantiles(new double[a.length], new double[a.length], new double[b.length]);
        for (int k = 0; k < a.length; k++) {
            double z = beta * (a[ia[k]] - b[ib[k]]);
            double slope = beta * LogisticLoss.smoothedSlope(z, labelSmoothing);
            q.value[k] = LogisticLoss.smoothed(z, labelSmoothing);
            q.da[ia[k]] = slope;
            q.db[ib[k]] = -slope;
        }
        return q;
    }

    /** The indices that sort {@code x} ascending, ties in index order. */
    private static int[] ascending(double[] x) {
        Integer[] idx = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> x[i]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    record Quantiles(double[] value, double[] da, double[] db) {
    }
}
