package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Masked scaled dot-product attention (Vaswani et al., "Attention Is All You Need", 2017,
 * arXiv:1706.03762) with grouped key/value heads (Ainslie et al., "GQA", 2023,
 * arXiv:2305.13245): O = softmax(Q Kᵀ / √d + M) V per head, where query head h reads key/value
 * head h / G with G = heads / kvHeads, and M is an additive mask (0 where a key is visible,
 * {@link AttentionMask#MASKED} where not; see {@link AttentionMask}).
 *
 * <p>The G query heads that share a key/value head are stacked along the query axis, so one
 * batched product per key/value head serves them all and keys are never repeated in memory.
 *
 * <p>Backward (one fused step): with P the attention probabilities and G_O = dL/dO,
 * dV = Pᵀ G_O, dP = G_O Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = dS K / √d, dK = dSᵀ Q / √d.
 *
 * <p>Two implementations of the same function ({@link Implementation}): ND4J array ops, which
 * materialise P [B, H, T, T] (any backend), and a Vector API kernel over the causal half that
 * keeps only each row's log-sum-exp and recomputes P in backward (CPU, float32).
 */
public final class GroupedQueryAttention {

    /** The shape of one attention call: B sequences of T query rows; heads and head size. */
    public record Shape(int batch, int queries, int heads, int kvHeads, int headDim) {
        public Shape {
            if (batch <= 0 || queries <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0) {
                throw new IllegalArgumentException("attention shape must be positive: " + this);
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
            }
        }

        /** Query heads per key/value head. */
        public int groups() {
            return heads / kvHeads;
        }

        public double scale() {
            return 1.0 / Math.sqrt(headDim);
        }
    }

    private GroupedQueryAttention() {
    }

    /** Self-attention by the fastest implementation that applies. */
    public static Tensor apply(Tape tape, Tensor q, Tensor k, Tensor v, AttentionMask mask, Shape s) {
        return apply(tape, q, k, v, mask, s, Implementation.AUTO);
    }

    /**
     * Self-attention over rows laid out as projections emit them: q [B·T, heads·d],
     * k and v [B·T, kvHeads·d], with T queries over T keys. Returns [B·T, heads·d].
     *
     * @throws IllegalArgumentException when {@code VECTOR} is asked for other than float32
     * @throws IllegalStateException when {@code VECTOR} is asked for without the Vector API module
     * @see Implementation
     */
    public static Tensor apply(Tape tape, Tensor q, Tensor k, Tensor v, AttentionMask mask, Shape s, Implementation impl) {
        long rows = (long) s.batch() * s.queries();
        checkRows("q", q, rows, s.heads() * s.headDim());
        checkRows("k", k, rows, s.kvHeads() * s.headDim());
        checkRows("v", v, rows, s.kvHeads() * s.headDim());
        Add.checkTypes(q, k);
        Add.checkTypes(q, v);
        if (mask.batch() != s.batch() || mask.keys() != s.queries() || mask.queries() != s.queries()) {
            throw new IllegalArgumentException("self-attention needs a mask of " + s.batch() + " sequences with "
                    + s.queries() + " queries and keys, got " + mask.batch() + " with " + mask.queries() + " of " + mask.keys());
        }
        boolean vector = impl.vectorFor(q.dataType(), "attention");
        return vector ? vectorAttention(tape, q, k, v, mask, s) : arrayOpsAttention(tape, q, k, v, mask, s);
    }

    private static Tensor vectorAttention(Tape tape, Tensor q, Tensor k, Tensor v, AttentionMask mask, Shape s) {
        boolean grad = tape.needsGrad(q, k, v);
        float[] qa = HostFloats.read(q.value());
        float[] ka = HostFloats.read(k.value());
        float[] va = HostFloats.read(v.value());
        float[] out = new float[qa.length];
        float[] lse = new float[s.batch() * s.heads() * s.queries()];
        VectorAttention.forward(qa, ka, va, mask, s, out, lse);
        Tensor result = tape.output(HostFloats.write(out, q.shape()), grad);
        if (grad) {
            tape.record(result, () -> {
                float[] dq = new float[qa.length];
                float[] dk = new float[ka.length];
                float[] dv = new float[va.length];
                VectorAttention.backward(qa, ka, va, out, lse, HostFloats.read(result.grad()), mask, s, dq, dk, dv);
                accumulateFloats(q, dq);
                accumulateFloats(k, dk);
                accumulateFloats(v, dv);
            });
        }
        return result;
    }

    private static void accumulateFloats(Tensor t, float[] g) {
        if (t.requiresGrad()) {
            t.accumulateOwned(HostFloats.write(g, t.shape()));
        }
    }

    private static Tensor arrayOpsAttention(Tape tape, Tensor q, Tensor k, Tensor v, AttentionMask attentionMask, Shape s) {
        INDArray mask = attentionMask.additive(q.dataType());
        boolean grad = tape.needsGrad(q, k, v);
        INDArray q4 = queriesByKvHead(q.value(), s);
        q4.muli(s.scale());
        INDArray k4 = byKvHead(k.value(), s);
        INDArray v4 = byKvHead(v.value(), s);
        INDArray probs = probabilities(q4, k4, mask, s.groups());
        INDArray o4 = Nd4j.matmul(probs, v4, null, false, false, false);
        Tensor out = tape.output(rowsFromQueries(o4, s), grad);
        Buffers.release(o4);
        if (!grad) {
            Buffers.release(q4, k4, v4, probs);
            return out;
        }
        tape.own(q4);
        tape.own(k4);
        tape.own(v4);
        tape.own(probs);
        tape.record(out, () -> {
            INDArray go = queriesByKvHead(out.grad(), s);
            if (v.requiresGrad()) {
                INDArray dv = Nd4j.matmul(probs, go, null, true, false, false);
                v.accumulateOwned(rowsFromKv(dv, s));
                Buffers.release(dv);
            }
            if (q.requiresGrad() || k.requiresGrad()) {
                INDArray ds = Nd4j.matmul(go, v4, null, false, true, false);
                INDArray dotted = ds.mul(probs);
                INDArray rowSums = dotted.sum(true, 3);
                Buffers.release(dotted);
                ds.subi(rowSums).muli(probs);
                Buffers.release(rowSums);
                if (q.requiresGrad()) {
                    INDArray dq = Nd4j.matmul(ds, k4, null, false, false, false);
                    dq.muli(s.scale());
                    q.accumulateOwned(rowsFromQueries(dq, s));
                    Buffers.release(dq);
                }
                if (k.requiresGrad()) {
                    INDArray dk = Nd4j.matmul(ds, q4, null, true, false, false);
                    k.accumulateOwned(rowsFromKv(dk, s));
                    Buffers.release(dk);
                }
                Buffers.release(ds);
            }
            Buffers.release(go);
        });
        return out;
    }

    /**
     * Attention probabilities softmax(Q Kᵀ + M) for scaled queries q4 [B, kvHeads, G·Tq, d] and keys
     * k4 [B, kvHeads, Tk, d] (Tk ≥ Tq: a key/value cache may precede the queries); mask [B, 1, Tq, Tk].
     */
    public static INDArray probabilities(INDArray q4, INDArray k4, INDArray mask, int groups) {
        INDArray scores = Nd4j.matmul(q4, k4, null, false, true, false);
        long b = scores.size(0);
        long kvHeads = scores.size(1);
        long tq = scores.size(2) / groups;
        long tk = scores.size(3);
        if (mask.rank() != 4 || mask.size(0) != b || mask.size(1) != 1 || mask.size(2) != tq || mask.size(3) != tk) {
            throw new IllegalArgumentException("attention mask must be [" + b + ", 1, " + tq + ", " + tk + "], got "
                    + java.util.Arrays.toString(mask.shape()));
        }
        scores.reshape(b, kvHeads, groups, tq, tk).addi(mask.reshape(b, 1, 1, tq, tk));
        softmaxLastAxis(scores);
        return scores;
    }

    /**
     * Softmax over the last axis in place, with the row maximum shifted out. Written out because
     * ND4J's double-precision softmax op returns NaN for rows of large negative scores (a padding
     * query whose keys are all masked); the float op happens to survive them.
     */
    private static void softmaxLastAxis(INDArray x) {
        int last = x.rank() - 1;
        INDArray max = x.max(true, last);
        x.subi(max);
        Transforms.exp(x, false);
        INDArray sum = x.sum(true, last);
        x.divi(sum);
        Buffers.release(max, sum);
    }

    /** [B·T, heads·d] → [B, kvHeads, G·T, d]: the G query heads of one key/value head stacked. */
    public static INDArray queriesByKvHead(INDArray rows, Shape s) {
        return Buffers.copyAs(rows.reshape(s.batch(), s.queries(), s.kvHeads(), s.groups(), s.headDim())
                .permute(0, 2, 3, 1, 4), s.batch(), s.kvHeads(), (long) s.groups() * s.queries(), s.headDim());
    }

    /** [B·T, kvHeads·d] → [B, kvHeads, T, d]. */
    public static INDArray byKvHead(INDArray rows, Shape s) {
        return Buffers.copyAs(rows.reshape(s.batch(), s.queries(), s.kvHeads(), s.headDim()).permute(0, 2, 1, 3),
                s.batch(), s.kvHeads(), s.queries(), s.headDim());
    }

    /** Inverse of {@link #queriesByKvHead}. */
    public static INDArray rowsFromQueries(INDArray q4, Shape s) {
        return Buffers.copyAs(q4.reshape(s.batch(), s.kvHeads(), s.groups(), s.queries(), s.headDim())
                .permute(0, 3, 1, 2, 4), (long) s.batch() * s.queries(), (long) s.heads() * s.headDim());
    }

    /** Inverse of {@link #byKvHead}. */
    private static INDArray rowsFromKv(INDArray kv4, Shape s) {
        return Buffers.copyAs(kv4.permute(0, 2, 1, 3), (long) s.batch() * s.queries(), (long) s.kvHeads() * s.headDim());
    }

    private static void checkRows(String name, Tensor t, long rows, long cols) {
        long[] sh = t.shape();
        if (sh.length != 2 || sh[0] != rows || sh[1] != cols) {
            throw new IllegalArgumentException("attention input " + name + " must be [" + rows + ", " + cols
                    + "], got " + java.util.Arrays.toString(sh));
        }
    }
}
