package org.prefalign.core.sampling.host;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.LlamaModel;

/**
 * Incremental decoding of a {@link LlamaModel} on the host, one token per sequence per step, in
 * float32 arrays with a {@link DecodeKernel} doing the arithmetic: the same function as the
 * model's ND4J {@code decode}, without an ND4J call per op (a small model's step is a hundred
 * tiny ops, where per-call overhead, not arithmetic, sets the speed).
 *
 * <p>{@link #snapshot} copies the weights into arrays laid out for the kernel (the model keeps
 * training; take a fresh snapshot for each generation). The copy reads every parameter once and
 * transposes it: O(parameters), about a millisecond for stories260K (1 MB), on the order of a
 * second per GB. Then each sequence has its own {@link SequenceCache} and positions from 0, so
 * there is no padding and no mask.
 *
 * <p>A step computes, per block, RMSNorm, the q/k/v projections (one packed matrix product),
 * RoPE (either pairing, with the config's frequency scaling), grouped-query attention over the
 * cache (query head h reads key/value head h / (heads / kvHeads)), the output projection, and
 * the SwiGLU feed-forward (gate and up packed as one product); then the final RMSNorm and the
 * output head for the rows that ask for logits. Steps on disjoint sequences with their own
 * {@link Workspace}s may run on different threads at once; the weights are only read.
 */
public final class HostDecoder {

    private final DecoderConfig config;
    private final DecodeKernel kernel;
    private final int positions;
    private final float[] embedding;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final PackedLinear head;
    private final float[] cos;
    private final float[] sin;
    private final int dimStride;
    private final int qWidth;
    private final int kvWidth;
    private final int kOffset;
    private final int vOffset;
    private final int ffnStride;
    private final float scale;

    /** One block's packed weights; norms padded with zeros to the activation stride. */
    private record Layer(float[] attnNorm, PackedLinear qkv, PackedLinear output, float[] ffnNorm, PackedLinear gateUp,
            PackedLinear down) {
    }

    private HostDecoder(LlamaModel model, DecodeKernel kernel, int positions) {
        this.config = model.config();
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        if (positions < 1 || positions > config.contextLength()) {
            throw new IllegalArgumentException("positions must be in [1, " + config.contextLength()
                    + "] (the context length), got " + positions);
        }
        this.positions = positions;
        Map<String, Tensor> p = model.parameters();
        int m = kernel.columnMultiple();
        int dim = config.dim();
        this.qWidth = config.heads() * config.headDim();
        this.kvWidth = config.kvHeads() * config.headDim();
        this.dimStride = PackedLinear.roundUp(dim, m);
        this.ffnStride = PackedLinear.roundUp(config.ffnDim(), m);
        this.kOffset = PackedLinear.roundUp(qWidth, m);
        this.vOffset = kOffset + PackedLinear.roundUp(kvWidth, m);
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.embedding = floats(p, "token_embd.weight");
        this.layers = new Layer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            String b = "blk." + l + ".";
            PackedLinear qkv = PackedLinear.pack(dim, m,
                    new float[][] {floats(p, b + "attn_q.weight"), floats(p, b + "attn_k.weight"), floats(p, b + "attn_v.weight")},
                    new float[][] {optional(p, b + "attn_q.bias"), optional(p, b + "attn_k.bias"), optional(p, b + "attn_v.bias")});
            PackedLinear output = PackedLinear.pack(qWidth, m, new float[][] {floats(p, b + "attn_output.weight")},
                    new float[][] {optional(p, b + "attn_output.bias")});
            PackedLinear gateUp = PackedLinear.pack(dim, m,
                    new float[][] {floats(p, b + "ffn_gate.weight"), floats(p, b + "ffn_up.weight")}, new float[2][]);
            PackedLinear down = PackedLinear.pack(config.ffnDim(), m, new float[][] {floats(p, b + "ffn_down.weight")},
                    new float[1][]);
            layers[l] = new Layer(Arrays.copyOf(floats(p, b + "attn_norm.weight"), dimStride), qkv, output,
                    Arrays.copyOf(floats(p, b + "ffn_norm.weight"), dimStride), gateUp, down);
        }
        this.outputNorm = Arrays.copyOf(floats(p, "output_norm.weight"), dimStride);
        float[] headWeight = config.tiedEmbeddings() ? embedding : floats(p, "output.weight");
        this.head = PackedLinear.pack(dim, m, new float[][] {headWeight}, new float[1][]);
        int half = config.headDim() / 2;
        double[] frequencies = config.inverseFrequencies();
        this.cos = new float[positions * half];
        this.sin = new float[positions * half];
        for (int pos = 0; pos < positions; pos++) {
            for (int f = 0; f < half; f++) {
                double angle = pos * frequencies[f]; // as RotaryEmbedding.tables computes it
                cos[pos * half + f] = (float) Math.cos(angle);
                sin[pos * half + f] = (float) Math.sin(angle);
            }
        }
    }

    /**
     * A snapshot of the model's current weights (cast to float32) for decoding sequences of up
     * to {@code positions} tokens (RoPE tables are precomputed for them).
     *
     * @throws IllegalArgumentException when positions is outside [1, context length]
     */
    public static HostDecoder snapshot(LlamaModel model, DecodeKernel kernel, int positions) {
        return new HostDecoder(model, kernel, positions);
    }

    public DecoderConfig config() {
        return config;
    }

    public DecodeKernel kernel() {
        return kernel;
    }

    /** An empty cache for one sequence of up to {@code capacity} tokens. */
    public SequenceCache newCache(int capacity) {
        if (capacity < 1 || capacity > positions) {
            throw new IllegalArgumentException("cache capacity must be in [1, " + positions + "] (the snapshot's positions), got "
                    + capacity);
        }
        return new SequenceCache(config.layers(), config.kvHeads(), config.headDim(), capacity, kernel.slotMultiple());
    }

    /** Scratch for steps of up to {@code rows} sequences, owned by one thread at a time. */
    public Workspace newWorkspace(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("workspace rows must be >= 1, got " + rows);
        }
        return new Workspace(rows);
    }

    /** Activations of one step for up to {@code rows} sequences, and the logits it leaves. */
    public final class Workspace {
        private final int rows;
        private final float[] x;
        private final float[] h;
        private final float[] qkv;
        private final float[] attended;
        private final float[] delta;
        private final float[] gateUp;
        private final float[] last;
        private final float[] logits;
        private final float[] scores;
        private final int[] logitRow;

        private Workspace(int rows) {
            this.rows = rows;
            x = new float[rows * dimStride];
            h = new float[rows * dimStride];
            qkv = new float[rows * layers[0].qkv().stride()];
            attended = new float[rows * qWidth];
            delta = new float[rows * dimStride];
            gateUp = new float[rows * 2 * ffnStride];
            last = new float[rows * dimStride];
            logits = new float[rows * head.stride()];
            scores = new float[PackedLinear.roundUp(positions, kernel.slotMultiple())];
            logitRow = new int[rows];
        }

        /**
         * The logits after row r's token in the last step (r asked for them), as doubles.
         *
         * @throws IllegalStateException when row r did not ask for logits
         */
        public double[] logits(int r) {
            if (r < 0 || r >= rows || logitRow[r] < 0) {
                throw new IllegalStateException("row " + r + " has no logits from the last step");
            }
            double[] out = new double[config.vocabSize()];
            int from = logitRow[r] * head.stride();
            for (int v = 0; v < out.length; v++) {
                out[v] = logits[from + v];
            }
            return out;
        }
    }

    /**
     * Appends {@code tokens[r]} to {@code caches[r]} for r &lt; rows (each at the cache's next
     * position) and, for the rows with {@code wantLogits[r]}, leaves the next-token logits in the
     * workspace.
     *
     * @throws IllegalArgumentException for a token outside the vocabulary, a full cache, or more
     *         rows than the workspace holds
     */
    public void step(Workspace ws, SequenceCache[] caches, int[] tokens, boolean[] wantLogits, int rows) {
        if (rows < 1 || rows > ws.rows || caches.length < rows || tokens.length < rows || wantLogits.length < rows) {
            throw new IllegalArgumentException("a step of " + rows + " rows needs a workspace of as many rows (it has "
                    + ws.rows + ") and a cache, token and logits flag per row");
        }
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= config.vocabSize()) {
                throw new IllegalArgumentException("token " + tokens[r] + " of row " + r + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
            if (caches[r].length() >= caches[r].capacity()) {
                throw new IllegalArgumentException("the cache of row " + r + " is full (capacity " + caches[r].capacity() + ")");
            }
            System.arraycopy(embedding, tokens[r] * config.dim(), ws.x, r * dimStride, config.dim());
        }
        float eps = (float) config.rmsEps();
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            kernel.rmsNorm(ws.x, rows, dimStride, config.dim(), layer.attnNorm(), eps, ws.h);
            kernel.matmul(ws.h, dimStride, rows, layer.qkv(), ws.qkv);
            for (int r = 0; r < rows; r++) {
                attend(ws, l, r, caches[r]);
            }
            kernel.matmul(ws.attended, qWidth, rows, layer.output(), ws.delta);
            addInto(ws.x, ws.delta, rows);
            kernel.rmsNorm(ws.x, rows, dimStride, config.dim(), layer.ffnNorm(), eps, ws.h);
            kernel.matmul(ws.h, dimStride, rows, layer.gateUp(), ws.gateUp);
            kernel.swiGlu(ws.gateUp, rows, ffnStride);
            kernel.matmul(ws.gateUp, 2 * ffnStride, rows, layer.down(), ws.delta);
            addInto(ws.x, ws.delta, rows);
        }
        int asking = 0;
        for (int r = 0; r < rows; r++) {
            caches[r].advance();
            ws.logitRow[r] = wantLogits[r] ? asking : -1;
            if (wantLogits[r]) {
                System.arraycopy(ws.x, r * dimStride, ws.last, asking * dimStride, dimStride);
                asking++;
            }
        }
        if (asking > 0) {
            kernel.rmsNorm(ws.last, asking, dimStride, config.dim(), outputNorm, eps, ws.h);
            kernel.matmul(ws.h, dimStride, asking, head, ws.logits);
        }
    }

    /** Row r's rotary embedding, its keys and values into the cache, and its attention for layer l. */
    private void attend(Workspace ws, int l, int r, SequenceCache cache) {
        int d = config.headDim();
        int pos = cache.length();
        int row = r * layers[l].qkv().stride();
        for (int hd = 0; hd < config.heads(); hd++) {
            rotate(ws.qkv, row + hd * d, pos);
        }
        float[] keys = cache.keys[l];
        float[] values = cache.values[l];
        for (int g = 0; g < config.kvHeads(); g++) {
            int k = row + kOffset + g * d;
            rotate(ws.qkv, k, pos);
            int v = row + vOffset + g * d;
            int block = g * d * cache.slots;
            for (int c = 0; c < d; c++) {
                keys[block + c * cache.slots + pos] = ws.qkv[k + c];
                values[block + c * cache.slots + pos] = ws.qkv[v + c];
            }
        }
        for (int hd = 0; hd < config.heads(); hd++) {
            int g = hd / config.groups();
            kernel.attend(ws.qkv, row + hd * d, keys, values, g * d * cache.slots, cache.slots, pos + 1, d, scale,
                    ws.scores, ws.attended, r * qWidth + hd * d);
        }
    }

    /**
     * RoPE of one head at x[o..o+d) for position pos: each pair (a, b) becomes
     * (a cos − b sin, b cos + a sin) at the pair's angle pos·ω_f.
     */
    private void rotate(float[] x, int o, int pos) {
        int half = config.headDim() / 2;
        for (int f = 0; f < half; f++) {
            int ia;
            int ib;
            switch (config.ropePairing()) {
                case ADJACENT -> {
                    ia = o + 2 * f;
                    ib = ia + 1;
                }
                case HALF_SPLIT -> {
                    ia = o + f;
                    ib = ia + half;
                }
                default -> throw new IllegalStateException("unknown RoPE pairing " + config.ropePairing());
            }
            float c = cos[pos * half + f];
            float s = sin[pos * half + f];
            float a = x[ia];
            float b = x[ib];
            x[ia] = a * c - b * s;
            x[ib] = b * c + a * s;
        }
    }

    /** The residual connection x += delta over every row's features (padding adds zeros). */
    private void addInto(float[] x, float[] delta, int rows) {
        for (int i = 0, n = rows * dimStride; i < n; i++) {
            x[i] += delta[i];
        }
    }

    private static float[] floats(Map<String, Tensor> parameters, String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the model has no parameter '" + name + "'");
        }
        return t.value().castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static float[] optional(Map<String, Tensor> parameters, String name) {
        return parameters.containsKey(name) ? floats(parameters, name) : null;
    }
}
