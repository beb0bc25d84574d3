package org.prefalign.algorithms.advantage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Group membership, per-group baselines and scales, and the moments they use. */
final class Groups {

    private Groups() {
    }

    /** The indices of each group's members, groups in order of first appearance. */
    static int[][] members(int[] ids) {
        Map<Integer, List<Integer>> byId = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            byId.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(i);
        }
        int[][] out = new int[byId.size()][];
        int g = 0;
        for (List<Integer> m : byId.values()) {
            out[g++] = m.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /**
     * x_i − b(g(i)): each value minus its group's baseline, {@code baseline} evaluated once per
     * group on the indices of its members.
     */
    static double[] minusBaseline(double[] x, int[] ids, ToDoubleFunction<int[]> baseline) {
        double[] out = new double[x.length];
        for (int[] g : members(ids)) {
            double b = baseline.applyAsDouble(g);
            for (int i : g) {
                out[i] = x[i] - b;
            }
        }
        return out;
    }

    /** x_i − mean_{g(i)} x, the group mean as baseline. */
    static double[] centred(double[] x, int[] ids) {
        return minusBaseline(x, ids, g -> mean(x, g));
    }

    /** x_i / s(g(i)): each value divided by its group's scale, evaluated once per group. */
    static double[] dividedBy(double[] x, int[] ids, ToDoubleFunction<int[]> scale) {
        double[] out = new double[x.length];
        for (int[] g : members(ids)) {
            double s = scale.applyAsDouble(g);
            for (int i : g) {
                out[i] = x[i] / s;
            }
        }
        return out;
    }

    /** Every index 0..n−1, the whole batch as one group. */
    static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    /** The mean of {@code x} over {@code idx}. */
    static double mean(double[] x, int[] idx) {
        double s = 0;
        for (int i : idx) {
            s += x[i];
        }
        return s / idx.length;
    }

    /**
     * The unbiased (n − 1) standard deviation of {@code x} over {@code idx}, as torch.std; 0 for a
     * single value, where it is undefined (TRL uses 0 there too).
     */
    static double std(double[] x, int[] idx) {
        if (idx.length < 2) {
            return 0;
        }
        double m = mean(x, idx);
        double ss = 0;
        for (int i : idx) {
            ss += (x[i] - m) * (x[i] - m);
        }
        return Math.sqrt(ss / (idx.length - 1));
    }
}
