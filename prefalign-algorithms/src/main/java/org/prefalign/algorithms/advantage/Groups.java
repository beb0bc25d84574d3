package org.prefalign.algorithms.advantage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Group membership and the moments that group baselines use. */
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
