package org.prefalign.core.sampling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The next-token distribution a {@link SamplingConfig} makes of one row of logits: softmax of
 * logits / temperature restricted by top-k, top-p and min-p in that order, each renormalised.
 */
final class TokenDistribution {

    private final double[] probabilities;

    private TokenDistribution(double[] probabilities) {
        this.probabilities = probabilities;
    }

    /** The distribution of a logits row (temperature &gt; 0). */
    static TokenDistribution of(double[] logits, SamplingConfig config) {
        int v = logits.length;
        double[] scaled = new double[v];
        for (int i = 0; i < v; i++) {
            if (Double.isNaN(logits[i])) {
                throw new IllegalStateException("logit " + i + " is NaN");
            }
            scaled[i] = logits[i] / config.temperature();
        }
        boolean[] keep = new boolean[v];
        Arrays.fill(keep, true);
        boolean topK = config.topK() > 0 && config.topK() < v;
        if (topK || config.topP() < 1) {
            Integer[] order = descending(scaled); // only the truncating filters need the ranking
            if (topK) {
                for (int r = config.topK(); r < v; r++) {
                    keep[order[r]] = false;
                }
            }
            if (config.topP() < 1) {
                double[] p = softmax(scaled, keep);
                double before = 0;
                for (Integer i : order) {
                    if (!keep[i]) {
                        continue;
                    }
                    if (before >= config.topP()) {
                        keep[i] = false; // the mass before it already reached p
                    }
                    before += p[i];
                }
            }
        }
        if (config.minP() > 0) {
            double[] p = softmax(scaled, keep);
            double threshold = config.minP() * p[argmax(scaled)]; // the top token survives top-k and top-p
            for (int i = 0; i < v; i++) {
                if (keep[i] && p[i] < threshold) {
                    keep[i] = false;
                }
            }
        }
        return new TokenDistribution(softmax(scaled, keep));
    }

    /** The most probable token of a logits row, lowest id on ties. */
    static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** A token drawn by inverting the cumulative distribution (in id order) at one uniform draw. */
    int sample(SplittableRandom rng) {
        double u = rng.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > 0) {
                cumulative += probabilities[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // u within rounding of 1
    }

    double probability(int token) {
        return probabilities[token];
    }

    private static Integer[] descending(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -x[i]).thenComparingInt(i -> i));
        return idx;
    }

    /** Softmax over the kept entries, 0 elsewhere. */
    private static double[] softmax(double[] x, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (keep[i]) {
                max = Math.max(max, x[i]);
            }
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            if (keep[i]) {
                p[i] = Math.exp(x[i] - max);
                sum += p[i];
            }
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
