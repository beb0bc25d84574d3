package org.prefalign.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.model.DecoderConfig;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.sampling.host.DecodeKernels;
import org.prefalign.core.sampling.host.TinyDecoders;
import org.prefalign.core.tokenizer.EncodeOptions;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;

/** Sampling from stories260K and tiny random decoders, on the host path (both kernels) and the ND4J path. */
class SamplerTest {

    private static final int BOS = 1;
    private static final int EOS = 2;

    private static LlamaModel model;
    private static SentencePieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        GgufFile file = GgufFile.read(Path.of(System.getProperty("prefalign.shared", "../../shared"), "models/stories260K.gguf"));
        model = LlamaModel.fromGguf(file, DataType.FLOAT);
        tokenizer = SentencePieceTokenizer.fromGguf(file);
    }

    /** A sampler of the named engine: "vector" or "scalar" (host path) or "nd4j". */
    private static Sampler sampler(LlamaModel m, SamplingConfig config, String engine) {
        Sampler s = new Sampler(m, config);
        return switch (engine) {
            case "vector" -> s.withHostKernel(DecodeKernels.vector());
            case "scalar" -> s.withHostKernel(DecodeKernels.scalar());
            case "nd4j" -> s.withPath(DecodePath.ND4J);
            default -> throw new IllegalArgumentException(engine);
        };
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static List<int[]> prompts() {
        return List.of(tokenizer.encode("Once upon a time, there was a little girl", EncodeOptions.DEFAULT),
                new int[] {BOS}, tokenizer.encode("Tom and his dog", EncodeOptions.DEFAULT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar", "nd4j"})
    void greedyFromBosTellsAStoryAndEveryTokenIsTheFullForwardArgmax(String engine) {
        Completion c = sampler(model, SamplingConfig.greedy(60, EOS), engine).generate(List.of(new int[] {BOS})).get(0);
        String text = tokenizer.decode(c.tokens(), true);
        assertTrue(text.startsWith("Once upon a time"), text);
        int[] seq = concat(new int[] {BOS}, c.tokens());
        TokenBatch batch = TokenBatch.of(new int[][] {seq});
        try (ForwardPass pass = ForwardPass.inference(model, batch)) {
            for (int t = 0; t + 1 < seq.length; t++) {
                INDArray logits = pass.logitsAt(new int[] {t}).value();
                assertEquals(seq[t + 1], logits.argMax(1).getInt(0), "position " + t + " of: " + text);
            }
        }
        assertTrue(Arrays.stream(c.logProbs()).allMatch(x -> x == 0.0), "greedy draws from a point mass");
    }

    @Test
    void hostAndNd4jPathsDrawTheSameTokens() {
        SamplingConfig greedy = SamplingConfig.greedy(60, EOS);
        List<int[]> bos = List.of(new int[] {BOS});
        int[] nd4j = sampler(model, greedy, "nd4j").generate(bos).get(0).tokens();
        assertArrayEquals(nd4j, sampler(model, greedy, "vector").generate(bos).get(0).tokens());
        assertArrayEquals(nd4j, sampler(model, greedy, "scalar").generate(bos).get(0).tokens());
        // the same seeds, the same uniform draws: the same tokens unless a draw falls within float
        // rounding of a bucket edge; log-probs to float rounding
        SamplingConfig plain = SamplingConfig.sample(0.9, 24, 7, EOS);
        List<Completion> want = sampler(model, plain, "nd4j").generate(prompts());
        for (String engine : new String[] {"vector", "scalar"}) {
            List<Completion> got = sampler(model, plain, engine).generate(prompts());
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i).tokens(), got.get(i).tokens(), engine + " prompt " + i);
                assertArrayEquals(want.get(i).logProbs(), got.get(i).logProbs(), 1e-4, engine + " prompt " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar", "nd4j"})
    void batchedSamplingEqualsOneAtATimeSampling(String engine) {
        long[] seeds = {11, 22, 33};
        // the host path computes each sequence with the same bits alone or batched; the ND4J path's
        // padded batch rounds differently (plain sampling: same tokens, log-probs to 1e-4; with
        // thresholds a token at the min-p / top-p border may be kept in one run and not the other,
        // renormalising by up to its probability)
        boolean exact = !engine.equals("nd4j");
        assertBatchedEqualsAlone(prompts(), seeds, SamplingConfig.sample(0.9, 24, 7, EOS), engine, exact ? 0 : 1e-4);
        assertBatchedEqualsAlone(prompts(), seeds, SamplingConfig.sample(0.9, 24, 7, EOS).withTopK(40).withTopP(0.95)
                .withMinP(0.02), engine, exact ? 0 : 0.05);
        Sampler sampler = sampler(model, SamplingConfig.sample(0.9, 24, 7, EOS), engine);
        assertNotEquals(Arrays.toString(sampler.generate(prompts(), seeds).get(1).tokens()),
                Arrays.toString(sampler.generate(List.of(prompts().get(1)), new long[] {23}).get(0).tokens()),
                "another seed, another story");
    }

    private static void assertBatchedEqualsAlone(List<int[]> prompts, long[] seeds, SamplingConfig config, String engine,
            double logProbTol) {
        Sampler sampler = sampler(model, config, engine);
        List<Completion> batched = sampler.generate(prompts, seeds);
        for (int i = 0; i < prompts.size(); i++) {
            Completion alone = sampler.generate(List.of(prompts.get(i)), new long[] {seeds[i]}).get(0);
            assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "prompt " + i + " " + config);
            assertArrayEquals(alone.logProbs(), batched.get(i).logProbs(), logProbTol, "prompt " + i + " " + config);
            assertEquals(alone.finishReason(), batched.get(i).finishReason());
        }
    }

    @Test
    void hostCompletionsDoNotDependOnTheThreadCount() {
        Random rng = new Random(17);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int[] p = new int[1 + rng.nextInt(6)];
            p[0] = BOS;
            for (int t = 1; t < p.length; t++) {
                p[t] = 3 + rng.nextInt(509);
            }
            prompts.add(p);
        }
        SamplingConfig config = SamplingConfig.sample(1.0, 40, 5, EOS).withTopP(0.9);
        Sampler sampler = new Sampler(model, config);
        assertEquals(DecodePath.HOST, sampler.path());
        List<Completion> one = sampler.withThreads(1).generate(prompts);
        for (int threads : new int[] {2, 3, 8}) {
            List<Completion> many = sampler.withThreads(threads).generate(prompts);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(one.get(i).tokens(), many.get(i).tokens(), threads + " threads, prompt " + i);
                assertArrayEquals(one.get(i).logProbs(), many.get(i).logProbs(), 0.0, threads + " threads, prompt " + i);
            }
        }
    }

    @Test
    void tinyDecodersGenerateTheSameOnBothPaths() {
        for (Map.Entry<String, DecoderConfig> e : TinyDecoders.configs().entrySet()) {
            LlamaModel tiny = TinyDecoders.model(e.getValue(), 21, DataType.FLOAT);
            List<int[]> prompts = List.of(new int[] {1, 5, 9}, new int[] {1}, new int[] {1, 2, 3, 4, 5, 6, 7});
            for (SamplingConfig config : new SamplingConfig[] {SamplingConfig.greedy(20),
                SamplingConfig.sample(1.0, 20, 3).withTopK(5)}) {
                List<Completion> want = sampler(tiny, config, "nd4j").generate(prompts);
                for (String engine : new String[] {"vector", "scalar"}) {
                    List<Completion> got = sampler(tiny, config, engine).generate(prompts);
                    for (int i = 0; i < prompts.size(); i++) {
                        String what = e.getKey() + ", " + engine + ", " + config + ", prompt " + i;
                        assertArrayEquals(want.get(i).tokens(), got.get(i).tokens(), what);
                        assertArrayEquals(want.get(i).logProbs(), got.get(i).logProbs(), 1e-4, what);
                    }
                }
            }
        }
    }

    @Test
    void everyGenerateCallSamplesTheCurrentWeights() {
        LlamaModel tiny = TinyDecoders.model(TinyDecoders.configs().values().iterator().next(), 6, DataType.FLOAT);
        Sampler sampler = new Sampler(tiny, SamplingConfig.greedy(1));
        assertEquals(DecodePath.HOST, sampler.path());
        List<int[]> prompt = List.of(new int[] {1, 2, 3});
        int first = sampler.generate(prompt).get(0).tokens()[0];
        // an in-place update between calls: swapping two rows of the output head swaps their logits
        int other = (first + 1) % tiny.vocabSize();
        INDArray head = tiny.parameters().get("output.weight").value();
        INDArray row = head.getRow(first).dup();
        head.putRow(first, head.getRow(other));
        head.putRow(other, row);
        assertEquals(other, sampler.generate(prompt).get(0).tokens()[0], "the second call must see the updated weights");
        assertEquals(other, sampler.withPath(DecodePath.ND4J).generate(prompt).get(0).tokens()[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar", "nd4j"})
    void aCompletionEndsWhenTheSequenceFillsTheContext(String engine) {
        LlamaModel tiny = TinyDecoders.model(TinyDecoders.configs().values().iterator().next(), 4, DataType.FLOAT);
        int[] prompt = new int[tiny.contextLength() - 3];
        Arrays.fill(prompt, 1);
        List<Completion> c = sampler(tiny, SamplingConfig.sample(1.0, Integer.MAX_VALUE, 8), engine)
                .generate(List.of(prompt, new int[] {1}));
        assertEquals(3, c.get(0).tokens().length, "prompt + completion = the context length");
        assertEquals(Completion.FinishReason.LENGTH, c.get(0).finishReason());
        assertEquals(tiny.contextLength() - 1, c.get(1).tokens().length, "from one token to the context length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar", "nd4j"})
    void unfilteredSamplingLogProbsAreTheModelsLogProbs(String engine) {
        int[] prompt = {BOS};
        Completion c = sampler(model, SamplingConfig.sample(1.0, 20, 3), engine).generate(List.of(prompt)).get(0);
        int[] seq = concat(prompt, c.tokens());
        TokenBatch batch = TokenBatch.of(new int[][] {seq});
        INDArray lp = model.logProbs(batch, batch.nextTokenTargets());
        for (int t = 0; t < c.tokens().length; t++) {
            assertEquals(lp.getDouble(0, t), c.logProbs()[t], 1e-4, "token " + t);
        }
        assertEquals(Completion.FinishReason.LENGTH, c.finishReason());
        assertEquals(20, c.tokens().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "nd4j"})
    void aStopTokenEndsTheCompletionAndIsIncluded(String engine) {
        int[] free = sampler(model, SamplingConfig.greedy(30), engine).generate(List.of(new int[] {BOS})).get(0).tokens();
        int stop = free[6];
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        Completion c = sampler(model, SamplingConfig.greedy(30, stop), engine).generate(List.of(new int[] {BOS})).get(0);
        assertEquals(Completion.FinishReason.STOP, c.finishReason());
        assertArrayEquals(Arrays.copyOf(free, first + 1), c.tokens());
    }

    @Test
    void sameSeedSameCompletions() {
        SamplingConfig config = SamplingConfig.sample(1.0, 16, 99);
        List<int[]> prompts = List.of(new int[] {BOS}, new int[] {BOS});
        List<Completion> a = new Sampler(model, config).generate(prompts);
        List<Completion> b = new Sampler(model, config).generate(prompts);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
        }
        assertNotEquals(Arrays.toString(a.get(0).tokens()), Arrays.toString(a.get(1).tokens()),
                "two sequences of one batch draw from different streams");
    }

    @Test
    void theHostPathIsChosenForFloat32OnTheCpuAndRefusedForDouble() {
        Sampler auto = new Sampler(model, SamplingConfig.greedy(4));
        assertEquals(DecodePath.HOST, auto.path());
        assertEquals(DecodeKernels.select().name(), auto.engine());
        assertEquals(DecodePath.ND4J, auto.withPath(DecodePath.ND4J).path());
        LlamaModel dbl = TinyDecoders.model(TinyDecoders.configs().values().iterator().next(), 1, DataType.DOUBLE);
        assertEquals(DecodePath.ND4J, new Sampler(dbl, SamplingConfig.greedy(4)).path());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sampler(dbl, SamplingConfig.greedy(4)).withPath(DecodePath.HOST));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> auto.withThreads(0));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> auto.generate(List.of(new int[] {BOS, 512})));
        assertTrue(e.getMessage().contains("token 512"), e.getMessage());
    }
}
