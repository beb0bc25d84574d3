package org.prefalign.core.sampling;

import java.util.Arrays;
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
        boolean topK = config.topK() > 0 && config.topK() < v;
        if (topK || config.topP() < 1) {
            // only the truncating filters need a ranking, and top-k only of its k best
            int[] order = ranking(scaled, topK ? config.topK() : v);
            for (int i : order) {
                keep[i] = true;
            }
            if (config.topP() < 1) {
                double[] p = softmax(scaled, keep);
                double before = 0;
                for (int i : order) {
                    if (before >= config.topP()) {
                        keep[i] = false; // the mass before it already reached p
                    }
                    before += p[i];
                }
            }
        } else {
            Arrays.fill(keep, true);
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

    /**
     * The ids of the k largest values, largest first, ties by lower id: a heap of the best k so
     * far (its root the worst of them) over one pass, then the heap sorted.
     */
    static int[] ranking(double[] x, int k) {
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < x.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(x, heap, size++);
            } else if (ranksBefore(x, i, heap[0])) {
                heap[0] = i;
                siftDown(x, heap, 0, k);
            }
        }
        for (int end = k - 1; end > 0; end--) { // heapsort: the worst goes last
            int worst = heap[0];
            heap[0] = heap[end];
            heap[end] = worst;
            siftDown(x, heap, 0, end);
        }
        return heap;
    }

    /** Whether id a ranks before id b: a larger value, or an equal value and a lower id. */
    private static boolean ranksBefore(double[] x, int a, int b) {
        return x[a] > x[b] || (x[a] == x[b] && a < b);
    }

    /** Restores the heap (the worst-ranked at the root) upwards from slot j. */
    private static void siftUp(double[] x, int[] heap, int j) {
        while (j > 0) {
            int parent = (j - 1) / 2;
            if (!ranksBefore(x, heap[parent], heap[j])) {
                return;
            }
            int t = heap[parent];
            heap[parent] = heap[j];
            heap[j] = t;
            j = parent;
        }
    }

    /** Restores the heap of {@code size} slots downwards from slot j. */
    private static void siftDown(double[] x, int[] heap, int j, int size) {
        while (true) {
            int worst = j;
            for (int child = 2 * j + 1; child <= 2 * j + 2 && child < size; child++) {
                if (ranksBefore(x, heap[worst], heap[child])) {
                    worst = child;
                }
            }
            if (worst == j) {
                return;
            }
            int t = heap[worst];
            heap[worst] = heap[j];
            heap[j] = t;
            j = worst;
        }
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
