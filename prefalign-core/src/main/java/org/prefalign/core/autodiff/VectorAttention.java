package org.prefalign.core.autodiff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.prefalign.core.math.VectorMath;

/**
 * Causal grouped-query attention on the CPU with the Vector API, float32: the same function as
 * {@link GroupedQueryAttention}'s array-op path, computed only over visible (causal) keys and
 * without materialising the probabilities. Like FlashAttention (Dao et al., 2022,
 * arXiv:2205.14135) it keeps each row's log-sum-exp from the forward pass and recomputes the
 * probabilities in backward.
 *
 * <p>Work is split by (sequence, key/value head); each task writes disjoint outputs, so results do
 * not depend on the number of threads. Key loops run over whole vectors (padded keys are masked
 * to −∞), exponentials and lane sums are {@link VectorMath}'s (or plain float adds in lane order)
 * and the row's log is {@link StrictMath#log}, so results do not depend on the JIT either. Loaded only when
 * {@code jdk.incubator.vector} is present.
 */
final class VectorAttention {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorAttention() {
    }

    /**
     * Keys and values of one (sequence, key/value head) transposed to [d][capacity] so that loops
     * over keys run along vector lanes, plus an additive key bias (0 for a real key, −∞ for padding
     * and empty slots). A training pass builds one per call; a decoding cache keeps them and fills
     * one slot per token.
     */
    static final class KeyBlock {
        final int padded;
        final int headDim;
        final float[] kT;
        final float[] vT;
        final float[] keyBias;
        private int firstValid = Integer.MAX_VALUE;

        KeyBlock(int capacity, int headDim) {
            this.padded = (capacity + L - 1) / L * L;
            this.headDim = headDim;
            kT = new float[headDim * padded];
            vT = new float[headDim * padded];
            keyBias = new float[padded];
            java.util.Arrays.fill(keyBias, Float.NEGATIVE_INFINITY);
        }

        /** Stores key and value rows k[kOffset..+d), v[vOffset..+d) at a slot. */
        void put(int slot, float[] k, float[] v, int offset, boolean valid) {
            for (int c = 0; c < headDim; c++) {
                kT[c * padded + slot] = k[offset + c];
                vT[c * padded + slot] = v[offset + c];
            }
            keyBias[slot] = valid ? 0f : Float.NEGATIVE_INFINITY;
            if (valid) {
                firstValid = Math.min(firstValid, slot);
            }
        }

        /** Whether a query at slot {@code self} sees a real key (else it sees only itself). */
        boolean seesAnyKey(int self) {
            return firstValid <= self;
        }

        /** The block of sequence b, key/value head kvh of rows k, v [B·T, KV·d] under a mask. */
        static KeyBlock of(float[] k, float[] v, AttentionMask mask, GroupedQueryAttention.Shape s, int b, int kvh) {
            KeyBlock blk = new KeyBlock(s.queries(), s.headDim());
            int stride = s.kvHeads() * s.headDim();
            for (int j = 0; j < s.queries(); j++) {
                blk.put(j, k, v, (b * s.queries() + j) * stride + kvh * s.headDim(), mask.keyValid()[b][j]);
            }
            return blk;
        }
    }

    /** out [B·T, H·d] and lse [B, H, T] from q [B·T, H·d], k and v [B·T, KV·d]. */
    static void forward(float[] q, float[] k, float[] v, AttentionMask mask, GroupedQueryAttention.Shape s,
            float[] out, float[] lse) {
        forEachBlock(s, (b, kvh) -> {
            KeyBlock blk = KeyBlock.of(k, v, mask, s, b, kvh);
            float[] p = new float[blk.padded];
            for (int g = 0; g < s.groups(); g++) {
                int h = kvh * s.groups() + g;
                for (int i = 0; i < s.queries(); i++) {
                    int row = (b * s.queries() + i) * s.heads() * s.headDim() + h * s.headDim();
                    lse[(b * s.heads() + h) * s.queries() + i] = attendRow(q, row, blk, i, (float) s.scale(), p, out);
                }
            }
        });
    }

    /**
     * Decoding over a cache: writes the step's keys and values (rows k, v [B·Tq, KV·d]) into the
     * layer's blocks at slots from..from+Tq−1, then attends each query row of q [B·Tq, H·d] to the
     * slots up to its own into out.
     */
    static void decode(float[] q, float[] k, float[] v, KeyBlock[] blocks, int from, boolean[][] stepValid,
            GroupedQueryAttention.Shape s, float[] out) {
        forEachBlock(s, (b, kvh) -> {
            KeyBlock blk = blocks[b * s.kvHeads() + kvh];
            int stride = s.kvHeads() * s.headDim();
            for (int i = 0; i < s.queries(); i++) {
                blk.put(from + i, k, v, (b * s.queries() + i) * stride + kvh * s.headDim(), stepValid[b][i]);
            }
            float[] p = new float[blk.padded];
            for (int g = 0; g < s.groups(); g++) {
                int h = kvh * s.groups() + g;
                for (int i = 0; i < s.queries(); i++) {
                    int row = (b * s.queries() + i) * s.heads() * s.headDim() + h * s.headDim();
                    attendRow(q, row, blk, from + i, (float) s.scale(), p, out);
                }
            }
        });
    }

    /**
     * One query row's attention over the block's keys up to slot {@code self} into out[row..+d);
     * returns the row's log-sum-exp of scaled scores. p is scratch of the block's capacity.
     */
    private static float attendRow(float[] q, int row, KeyBlock blk, int self, float scale, float[] p, float[] out) {
        int d = blk.headDim;
        if (!blk.seesAnyKey(self)) {
            float score = 0f;
            for (int c = 0; c < d; c++) {
                out[row + c] = blk.vT[c * blk.padded + self];
                score += q[row + c] * scale * blk.kT[c * blk.padded + self];
            }
            return score;
        }
        int end = scores(q, row, blk, self, d, scale, p);
        float max = max(p, end);
        expShifted(p, end, max);
        float sum = sum(p, end);
        float inv = 1f / sum;
        int c = 0;
        for (; c + 4 <= d; c += 4) {
            weightedValues4(p, blk, c, end, inv, out, row + c);
        }
        for (; c < d; c++) {
            out[row + c] = dot(p, blk.vT, c * blk.padded, end) * inv;
        }
        return max + (float) StrictMath.log(sum);
    }

    /** dq, dk, dv (overwritten) from the forward's inputs, output, lse and the output gradient go. */
    static void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] go, AttentionMask mask,
            GroupedQueryAttention.Shape s, float[] dq, float[] dk, float[] dv) {
        forEachBlock(s, (b, kvh) -> {
            KeyBlock blk = KeyBlock.of(k, v, mask, s, b, kvh);
            int d = s.headDim();
            float scale = (float) s.scale();
            float[] p = new float[blk.padded];
            float[] dkT = new float[d * blk.padded];
            float[] dvT = new float[d * blk.padded];
            float[] dqLanes = new float[d * L]; // per-lane partial sums of dq, reduced once per row
            for (int g = 0; g < s.groups(); g++) {
                int h = kvh * s.groups() + g;
                for (int i = 0; i < s.queries(); i++) {
                    int row = (b * s.queries() + i) * s.heads() * d + h * d;
                    if (!blk.seesAnyKey(i)) {
                        // p = onehot(self): dq = dk = 0 and dv[self] += go
                        for (int c = 0; c < d; c++) {
                            dq[row + c] = 0f;
                            dvT[c * blk.padded + i] += go[row + c];
                        }
                        continue;
                    }
                    backwardRow(q, out, go, row, blk, i, scale, lse[(b * s.heads() + h) * s.queries() + i], p, dqLanes,
                            dq, dkT, dvT);
                }
            }
            int stride = s.kvHeads() * d;
            for (int j = 0; j < s.queries(); j++) {
                int base = (b * s.queries() + j) * stride + kvh * d;
                for (int c = 0; c < d; c++) {
                    dk[base + c] = dkT[c * blk.padded + j];
                    dv[base + c] = dvT[c * blk.padded + j];
                }
            }
        });
    }

    /**
     * One query row's part of backward: dq[row..+d) (overwritten), and its terms of dkT and dvT
     * (accumulated). p and dqLanes are scratch; rowLse is the row's log-sum-exp from forward.
     */
    private static void backwardRow(float[] q, float[] out, float[] go, int row, KeyBlock blk, int i, float scale,
            float rowLse, float[] p, float[] dqLanes, float[] dq, float[] dkT, float[] dvT) {
        int d = blk.headDim;
        int end = scores(q, row, blk, i, d, scale, p);
        float outDotGo = 0f;
        for (int c = 0; c < d; c++) {
            outDotGo += out[row + c] * go[row + c];
        }
        FloatVector lseV = FloatVector.broadcast(SPECIES, rowLse);
        FloatVector deltaV = FloatVector.broadcast(SPECIES, outDotGo);
        java.util.Arrays.fill(dqLanes, 0f);
        for (int j = 0; j < end; j += L) {
            FloatVector prob = VectorMath.exp(FloatVector.fromArray(SPECIES, p, j).sub(lseV));
            FloatVector dp = FloatVector.zero(SPECIES);
            for (int c = 0; c < d; c++) {
                dp = FloatVector.fromArray(SPECIES, blk.vT, c * blk.padded + j)
                        .fma(FloatVector.broadcast(SPECIES, go[row + c]), dp);
            }
            FloatVector ds = prob.mul(dp.sub(deltaV));
            for (int c = 0; c < d; c++) {
                int at = c * blk.padded + j;
                ds.fma(FloatVector.fromArray(SPECIES, blk.kT, at), FloatVector.fromArray(SPECIES, dqLanes, c * L))
                        .intoArray(dqLanes, c * L);
                ds.fma(FloatVector.broadcast(SPECIES, q[row + c] * scale), FloatVector.fromArray(SPECIES, dkT, at))
                        .intoArray(dkT, at);
                prob.fma(FloatVector.broadcast(SPECIES, go[row + c]), FloatVector.fromArray(SPECIES, dvT, at))
                        .intoArray(dvT, at);
            }
        }
        for (int c = 0; c < d; c++) {
            float sum = 0f;
            for (int lane = c * L; lane < (c + 1) * L; lane++) { // in order: plain float adds, which no JIT reorders
                sum += dqLanes[lane];
            }
            dq[row + c] = sum * scale;
        }
    }

    /**
     * Scaled scores of query row i against keys 0..i into p (masked keys −∞); returns the end of
     * the causal range rounded up to whole vectors.
     */
    private static int scores(float[] q, int row, KeyBlock blk, int i, int d, float scale, float[] p) {
        int end = (i + L) / L * L;
        for (int j = 0; j < end; j += L) {
            FloatVector acc = FloatVector.fromArray(SPECIES, blk.keyBias, j);
            for (int c = 0; c < d; c++) {
                acc = FloatVector.fromArray(SPECIES, blk.kT, c * blk.padded + j)
                        .fma(FloatVector.broadcast(SPECIES, q[row + c] * scale), acc);
            }
            if (j + L > i + 1) {
                VectorMask<Float> causal = SPECIES.indexInRange(j, i + 1);
                acc = acc.blend(Float.NEGATIVE_INFINITY, causal.not());
            }
            acc.intoArray(p, j);
        }
        return end;
    }

    private static float max(float[] p, int end) {
        FloatVector m = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < end; j += L) {
            m = m.max(FloatVector.fromArray(SPECIES, p, j));
        }
        return m.reduceLanes(VectorOperators.MAX); // exact in any order
    }

    /** p ← exp(p − max) in place. */
    private static void expShifted(float[] p, int end, float max) {
        FloatVector shift = FloatVector.broadcast(SPECIES, max);
        for (int j = 0; j < end; j += L) {
            VectorMath.exp(FloatVector.fromArray(SPECIES, p, j).sub(shift)).intoArray(p, j);
        }
    }

    /**
     * Σ p[0, end), a pass of its own rather than summed as the exponentials are written: in a
     * large caller C2 may leave a call out of line, and a call that passes a vector then
     * allocates one each time; this one passes an array.
     */
    private static float sum(float[] p, int end) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int j = 0; j < end; j += L) {
            acc = acc.add(FloatVector.fromArray(SPECIES, p, j));
        }
        return VectorMath.sum(acc);
    }

    /** out[at..at+4) = inv · Σ_j p[j] · v[c..c+4)[j]: four features per pass over p. */
    private static void weightedValues4(float[] p, KeyBlock blk, int c, int end, float inv, float[] out, int at) {
        int r0 = c * blk.padded;
        int r1 = r0 + blk.padded;
        int r2 = r1 + blk.padded;
        int r3 = r2 + blk.padded;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int j = 0; j < end; j += L) {
            FloatVector pj = FloatVector.fromArray(SPECIES, p, j);
            a0 = pj.fma(FloatVector.fromArray(SPECIES, blk.vT, r0 + j), a0);
            a1 = pj.fma(FloatVector.fromArray(SPECIES, blk.vT, r1 + j), a1);
            a2 = pj.fma(FloatVector.fromArray(SPECIES, blk.vT, r2 + j), a2);
            a3 = pj.fma(FloatVector.fromArray(SPECIES, blk.vT, r3 + j), a3);
        }
        out[at] = VectorMath.sum(a0) * inv;
        out[at + 1] = VectorMath.sum(a1) * inv;
        out[at + 2] = VectorMath.sum(a2) * inv;
        out[at + 3] = VectorMath.sum(a3) * inv;
    }

    private static float dot(float[] a, float[] b, int bOffset, int end) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int j = 0; j < end; j += L) {
            acc = FloatVector.fromArray(SPECIES, a, j).fma(FloatVector.fromArray(SPECIES, b, bOffset + j), acc);
        }
        return VectorMath.sum(acc);
    }

    @FunctionalInterface
    private interface BlockTask {
        void run(int b, int kvh);
    }

    private static void forEachBlock(GroupedQueryAttention.Shape s, BlockTask task) {
        java.util.stream.IntStream.range(0, s.batch() * s.kvHeads()).parallel()
                .forEach(t -> task.run(t / s.kvHeads(), t % s.kvHeads()));
    }
}
