package org.prefalign.core.tokenizer;

import java.util.PriorityQueue;

/**
 * The inference loop of byte-pair encoding: repeatedly merge the best adjacent pair of symbols
 * (lowest priority value; ties go to the leftmost pair) until no adjacent pair merges.
 *
 * <p>BPE: Sennrich, Haddow &amp; Birch (2016), "Neural Machine Translation of Rare Words with
 * Subword Units", arXiv:1508.07909; SentencePiece's BPE mode: Kudo &amp; Richardson (2018),
 * arXiv:1808.06226. Candidate pairs sit in a priority queue and the symbols in a doubly linked
 * list, so a word of n symbols costs O(n log n) instead of the naive O(n²) rescans (the structure
 * of llama.cpp's {@code llm_tokenizer_spm} and of HF tokenizers' {@code Word::merge_all}). A queued
 * pair is stale once either side has changed since it was queued; each symbol carries a version
 * number for that check.
 */
final class BigramMerger {

    /** What merging two adjacent symbols gives. */
    record Merge(double priority, int id) {
    }

    /** Decides whether two adjacent symbols merge. */
    interface PairRule {
        /**
         * The merge of the symbol {@code [leftStart, leftEnd)} with id {@code leftId} and its right
         * neighbour {@code [leftEnd, rightEnd)} with id {@code rightId} (ids are -1 for a symbol
         * outside the vocabulary), or null if they do not merge.
         */
        Merge merge(int leftId, int rightId, int leftStart, int leftEnd, int rightEnd);
    }

    /** The symbols left after merging, in text order. */
    static final class Result {
        private final int[] ids;
        private final int[] starts;
        private final int[] ends;

        private Result(int[] ids, int[] starts, int[] ends) {
            this.ids = ids;
            this.starts = starts;
            this.ends = ends;
        }

        int size() {
            return ids.length;
        }

        int id(int i) {
            return ids[i];
        }

        int start(int i) {
            return starts[i];
        }

        int end(int i) {
            return ends[i];
        }
    }

    private record Candidate(int left, int right, int leftVersion, int rightVersion, double priority, int id) {
    }

    private BigramMerger() {
    }

    /**
     * Merges the symbols {@code i} with ids {@code ids[i]} spanning {@code [starts[i], ends[i])}
     * (adjacent in order) under {@code rule}.
     */
    static Result merge(int[] ids, int[] starts, int[] ends, PairRule rule) {
        int n = ids.length;
        int[] id = ids.clone();
        int[] start = starts.clone();
        int[] end = ends.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        int[] version = new int[n];
        boolean[] alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            alive[i] = true;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(a.priority, b.priority);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, rule, i, i + 1, id, start, end, version);
        }
        int remaining = n;
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (!alive[c.left] || !alive[c.right] || version[c.left] != c.leftVersion
                    || version[c.right] != c.rightVersion || next[c.left] != c.right) {
                continue;
            }
            int l = c.left;
            int r = c.right;
            id[l] = c.id;
            end[l] = end[r];
            version[l]++;
            alive[r] = false;
            remaining--;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, rule, prev[l], l, id, start, end, version);
            }
            if (next[l] >= 0) {
                offer(queue, rule, l, next[l], id, start, end, version);
            }
        }
        int[] outIds = new int[remaining];
        int[] outStarts = new int[remaining];
        int[] outEnds = new int[remaining];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            outIds[k] = id[i];
            outStarts[k] = start[i];
            outEnds[k] = end[i];
            k++;
        }
        return new Result(outIds, outStarts, outEnds);
    }

    private static void offer(PriorityQueue<Candidate> queue, PairRule rule, int l, int r,
                              int[] id, int[] start, int[] end, int[] version) {
        Merge m = rule.merge(id[l], id[r], start[l], end[l], end[r]);
        if (m != null) {
            queue.add(new Candidate(l, r, version[l], version[r], m.priority(), m.id()));
        }
    }
}
