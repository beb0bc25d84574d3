package org.prefalign.core.sampling.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;

/** The host decoder gives the logits of the ND4J forward pass, with either kernel, on every config. */
class HostDecoderTest {

    private static LlamaModel stories() throws IOException {
        return LlamaModel.fromGguf(Path.of(System.getProperty("prefalign.shared", "../../shared"), "models/stories260K.gguf"));
    }

    /** Random sequences of different lengths, the first token of each BOS-like (1). */
    private static int[][] sequences(Random rng, int count, int vocab, int minLength, int maxLength) {
        int[][] s = new int[count][];
        for (int i = 0; i < count; i++) {
            s[i] = new int[minLength + rng.nextInt(maxLength - minLength + 1)];
            s[i][0] = 1;
            for (int t = 1; t < s[i].length; t++) {
                s[i][t] = rng.nextInt(vocab);
            }
        }
        return s;
    }

    /**
     * Decodes the sequences as one batch on the host (a finished sequence drops out of the
     * step), returning logits[i][t][v] after token t of sequence i.
     */
    static double[][][] hostLogits(LlamaModel model, DecodeKernel kernel, int[][] seqs) {
        int longest = 0;
        for (int[] s : seqs) {
            longest = Math.max(longest, s.length);
        }
        HostDecoder decoder = HostDecoder.snapshot(model, kernel, longest);
        SequenceCache[] caches = new SequenceCache[seqs.length];
        double[][][] out = new double[seqs.length][][];
        for (int i = 0; i < seqs.length; i++) {
            caches[i] = decoder.newCache(seqs[i].length);
            out[i] = new double[seqs[i].length][];
        }
        HostDecoder.Workspace ws = decoder.newWorkspace(seqs.length);
        for (int t = 0; t < longest; t++) {
            int rows = 0;
            int[] which = new int[seqs.length];
            SequenceCache[] stepCaches = new SequenceCache[seqs.length];
            int[] tokens = new int[seqs.length];
            boolean[] want = new boolean[seqs.length];
            for (int i = 0; i < seqs.length; i++) {
                if (t < seqs[i].length) {
                    which[rows] = i;
                    stepCaches[rows] = caches[i];
                    tokens[rows] = seqs[i][t];
                    want[rows] = t % 3 != 1 || t == seqs[i].length - 1; // some steps skip the head
                    rows++;
                }
            }
            decoder.step(ws, stepCaches, tokens, want, rows);
            for (int r = 0; r < rows; r++) {
                if (want[r]) {
                    out[which[r]][t] = ws.logits(r);
                }
            }
        }
        return out;
    }

    /** Largest |host − ND4J full forward| over every position that has host logits. */
    private static double maxError(LlamaModel model, int[][] seqs, double[][][] host) {
        double err = 0;
        for (int i = 0; i < seqs.length; i++) {
            try (ForwardPass pass = ForwardPass.inference(model, TokenBatch.of(new int[][] {seqs[i]}))) {
                INDArray want = pass.logits().value();
                for (int t = 0; t < seqs[i].length; t++) {
                    if (host[i][t] == null) {
                        continue;
                    }
                    for (int v = 0; v < model.vocabSize(); v++) {
                        err = Math.max(err, Math.abs(want.getDouble(0, t, v) - host[i][t][v]));
                    }
                }
            }
        }
        return err;
    }

    @Test
    void storiesLogitsMatchTheNd4jForwardWithBothKernels() throws IOException {
        LlamaModel model = stories();
        int[][] seqs = sequences(new Random(5), 6, model.vocabSize(), 20, 48);
        for (DecodeKernel kernel : new DecodeKernel[] {DecodeKernels.vector(), DecodeKernels.scalar()}) {
            double err = maxError(model, seqs, hostLogits(model, kernel, seqs));
            assertTrue(err < 1e-4, kernel.name() + ": max logit error " + err);
        }
    }

    @Test
    void tinyConfigsMatchTheNd4jForwardWithBothKernels() {
        for (Map.Entry<String, DecoderConfig> e : TinyDecoders.configs().entrySet()) {
            LlamaModel model = TinyDecoders.model(e.getValue(), 3, DataType.FLOAT);
            int[][] seqs = sequences(new Random(7), 7, model.vocabSize(), 10, 40);
            for (DecodeKernel kernel : new DecodeKernel[] {DecodeKernels.vector(), DecodeKernels.scalar()}) {
                double err = maxError(model, seqs, hostLogits(model, kernel, seqs));
                assertTrue(err < 1e-4, e.getKey() + ", " + kernel.name() + ": max logit error " + err);
            }
        }
    }

    @Test
    void aSequenceDecodesToTheSameBitsAloneAsInABatch() throws IOException {
        LlamaModel model = stories();
        int[][] seqs = sequences(new Random(9), 7, model.vocabSize(), 12, 30); // a tile of four rows and leftovers
        for (DecodeKernel kernel : new DecodeKernel[] {DecodeKernels.vector(), DecodeKernels.scalar()}) {
            double[][][] batched = hostLogits(model, kernel, seqs);
            for (int i = 0; i < seqs.length; i++) {
                double[][] alone = hostLogits(model, kernel, new int[][] {seqs[i]})[0];
                for (int t = 0; t < seqs[i].length; t++) {
                    if (batched[i][t] != null) {
                        assertArrayEquals(alone[t], batched[i][t], 0.0, kernel.name() + " sequence " + i + " token " + t);
                    }
                }
            }
        }
    }

    @Test
    void badStepsAreRejectedNamingTheProblem() throws IOException {
        HostDecoder decoder = HostDecoder.snapshot(stories(), DecodeKernels.select(), 4);
        HostDecoder.Workspace ws = decoder.newWorkspace(1);
        SequenceCache[] one = {decoder.newCache(1)};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decoder.step(ws, one, new int[] {512}, new boolean[] {true}, 1));
        assertTrue(e.getMessage().contains("token 512"), e.getMessage());
        decoder.step(ws, one, new int[] {1}, new boolean[] {false}, 1);
        assertThrows(IllegalStateException.class, () -> ws.logits(0));
        e = assertThrows(IllegalArgumentException.class, () -> decoder.step(ws, one, new int[] {1}, new boolean[] {true}, 1));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> decoder.newCache(5));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HostDecoder.snapshot(decoder == null ? null : stories(),
                DecodeKernels.scalar(), 2049));
        assertTrue(e.getMessage().contains("positions"), e.getMessage());
    }
}
