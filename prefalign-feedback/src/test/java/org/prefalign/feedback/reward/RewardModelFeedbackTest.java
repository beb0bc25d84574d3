package org.prefalign.feedback.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.tokenizer.ChatTemplate;
import org.prefalign.core.tokenizer.EncodeOptions;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Feedbacks;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

/**
 * A tiny random reward model saved in Hugging Face's sequence-classification layout, loaded by
 * name from JSON config: its scores equal a direct forward of the in-memory model, whatever the
 * batch size; ensembles combine by hand; bad checkpoints name the file and the tensor.
 */
class RewardModelFeedbackTest {

    private static final double TOL = 1e-5;
    private static final Path STORIES = Path.of(System.getProperty("prefalign.shared", "../../shared"), "models",
            "stories260K.gguf");

    @TempDir
    static Path dir;

    private static TinyRewardModels.Tiny a;
    private static TinyRewardModels.Tiny b;
    private static Path dirA;
    private static Path dirB;
    private static SentencePieceTokenizer tokenizer;

    @BeforeAll
    static void save() throws IOException {
        a = TinyRewardModels.tiny(1);
        b = TinyRewardModels.tiny(2);
        dirA = TinyRewardModels.write(dir.resolve("rm-a"), a);
        dirB = TinyRewardModels.write(dir.resolve("rm-b"), b);
        tokenizer = SentencePieceTokenizer.fromGguf(GgufFile.read(STORIES));
    }

    private static final List<Query> QUERIES = List.of(
            Query.ofText("The sky is", null, " blue.", " green and very very far away.", " up"),
            Query.ofText("Once upon a time, there was a little girl named Lily.", null, " She liked to play."),
            Query.ofText("Tom", null, " ran.", " sat down on the big red chair and smiled at his dog."));

    private static Feedback load(String paths, String extra) {
        return Feedbacks.fromJson("{\"type\": \"reward_model\", " + paths + ", \"tokenizer\": \"" + STORIES + "\"" + extra + "}");
    }

    private static String path(Path p) {
        return "\"path\": \"" + p + "\"";
    }

    /** The score by a forward of the in-memory model over ids written out here: BOS + prompt, completion + EOS. */
    private static double direct(TinyRewardModels.Tiny t, int[] ids) {
        try (ForwardPass pass = ForwardPass.inference(t.model(), TokenBatch.of(new int[][] {ids}))) {
            return pass.sequenceScores(t.head()).value().getDouble(0);
        }
    }

    private static int[] textIds(String prompt, String completion) {
        int[] p = tokenizer.encode(prompt, EncodeOptions.TEXT_ONLY);
        int[] c = tokenizer.encode(completion, EncodeOptions.TEXT_ONLY);
        int[] ids = new int[1 + p.length + c.length + 1];
        ids[0] = 1;
        System.arraycopy(p, 0, ids, 1, p.length);
        System.arraycopy(c, 0, ids, 1 + p.length, c.length);
        ids[ids.length - 1] = 2;
        return ids;
    }

    private static double[] direct(TinyRewardModels.Tiny t, Query q) {
        double[] s = new double[q.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = direct(t, textIds(q.prompt().asText(), q.completion(i).asText()));
        }
        return s;
    }

    private static double[] values(Signal s) {
        return ((Signal.Rewards) s).values();
    }

    @Test
    void scoresAreADirectForwardOfTheSavedModel() {
        try (Feedback f = load(path(dirA), "")) {
            assertEquals("reward_model", f.type());
            assertEquals(Signal.Kind.REWARDS, f.kind());
            for (Query q : QUERIES) {
                Signal s = f.evaluate(q);
                assertEquals(q, s.query());
                assertArrayEquals(direct(a, q), values(s), TOL);
            }
            // the two models are different models, so the check above can tell a wrong one
            assertTrue(Math.abs(direct(a, QUERIES.get(0))[0] - direct(b, QUERIES.get(0))[0]) > 1e-3);
        }
        assertTrue(Feedbacks.types().contains("reward_model"));
    }

    @Test
    void theBatchSizeDoesNotChangeScores() {
        List<double[]> one = new ArrayList<>();
        try (Feedback f = load(path(dirA), ", \"batch_size\": 1")) {
            for (Query q : QUERIES) {
                one.add(values(f.evaluate(q)));
            }
        }
        for (int size : new int[] {2, 3, 64}) {
            try (Feedback f = load(path(dirA), ", \"batch_size\": " + size)) {
                List<Signal> all = f.evaluate(QUERIES);
                for (int i = 0; i < QUERIES.size(); i++) {
                    assertArrayEquals(one.get(i), values(all.get(i)), TOL, "batch size " + size + ", query " + i);
                }
            }
        }
    }

    @Test
    void ensemblesTakeTheMeanOrTheMinimumOfTheMembers() {
        String both = "\"paths\": [\"" + dirA + "\", \"" + dirB + "\"]";
        try (Feedback mean = load(both, ""); Feedback min = load(both, ", \"ensemble\": \"min\"")) {
            for (Query q : QUERIES) {
                double[] sa = direct(a, q);
                double[] sb = direct(b, q);
                double[] m = values(mean.evaluate(q));
                double[] lo = values(min.evaluate(q));
                for (int i = 0; i < q.size(); i++) {
                    assertEquals((sa[i] + sb[i]) / 2, m[i], TOL);
                    assertEquals(Math.min(sa[i], sb[i]), lo[i], TOL);
                }
            }
        }
        assertEquals(2.0, Ensemble.MEAN.combine(new double[] {1, 3}));
        assertEquals(-1.0, Ensemble.MIN.combine(new double[] {4, -1, 2}));
    }

    @Test
    void chatIsRenderedByTheTemplateAndTheScoreReadAtTheTurnsEnd() {
        Query q = Query.of(Content.chat(Message.user("Tell me a story.")), Content.chat(Message.assistant("Once upon a time.")));
        String[] parts = ChatTemplate.chatMl().renderPromptCompletion(List.of(
                org.prefalign.core.tokenizer.ChatMessage.user("Tell me a story.")),
                List.of(org.prefalign.core.tokenizer.ChatMessage.assistant("Once upon a time.")), Map.of());
        int[] p = tokenizer.encode(parts[0], EncodeOptions.TEXT_ONLY);
        int[] c = tokenizer.encode(parts[1], EncodeOptions.TEXT_ONLY); // "...<|im_end|>\n": no EOS after the template's turn end
        int[] ids = new int[1 + p.length + c.length];
        ids[0] = 1;
        System.arraycopy(p, 0, ids, 1, p.length);
        System.arraycopy(c, 0, ids, 1 + p.length, c.length);
        try (Feedback f = load(path(dirA), "")) {
            assertEquals(direct(a, ids), values(f.evaluate(q))[0], TOL);
        }
    }

    @Test
    void aTooLongSequenceLosesThePromptsStartButKeepsBosAndTheCompletion() {
        Query q = Query.ofText("Once upon a time, there was a little girl named Lily. She liked to play in the park.", null,
                " The end.");
        int[] full = textIds(q.prompt().asText(), " The end.");
        int max = 16;
        int[] cut = new int[max];
        cut[0] = 1;
        System.arraycopy(full, full.length - (max - 1), cut, 1, max - 1);
        try (Feedback f = load(path(dirA), ", \"max_length\": " + max)) {
            assertEquals(direct(a, cut), values(f.evaluate(q))[0], TOL);
            RewardModel m = ((RewardModelFeedback) f).members().get(0);
            assertEquals(1, m.truncationStats().promptsCut());
            assertEquals(full.length - max, m.truncationStats().promptTokensDropped());
        }
        Throwable e = assertThrows(IllegalArgumentException.class, () -> load(path(dirA), ", \"max_length\": 65"));
        assertTrue(e.getMessage().contains("maxLength must be in [2, 64]"), e.getMessage());
    }

    @Test
    void aShardedCheckpointAndOneWithAnLmHeadLoadTheSameModel() throws IOException {
        Path sharded = Files.createDirectories(dir.resolve("sharded"));
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        int i = 0;
        for (Map.Entry<String, float[]> e : a.tensors().entrySet()) {
            boolean one = i++ % 2 == 0;
            (one ? first : second).put(e.getKey(), e.getValue());
            index.append(i > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"")
                    .append(one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        }
        TinyRewardModels.write(sharded, first, a.shapes(), TinyRewardModels.config());
        Files.move(sharded.resolve("model.safetensors"), sharded.resolve("model-00001-of-00002.safetensors"));
        TinyRewardModels.write(sharded, second, a.shapes(), TinyRewardModels.config());
        Files.move(sharded.resolve("model.safetensors"), sharded.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}").toString());

        Map<String, float[]> withHead = new LinkedHashMap<>(a.tensors());
        Map<String, long[]> shapes = new LinkedHashMap<>(a.shapes());
        withHead.put("lm_head.weight", new float[512 * 16]);
        shapes.put("lm_head.weight", new long[] {512, 16});
        Path lmHead = TinyRewardModels.write(dir.resolve("with-lm-head"), withHead, shapes, TinyRewardModels.config());

        for (Path p : List.of(sharded, lmHead)) {
            try (Feedback f = load(path(p), "")) {
                assertArrayEquals(direct(a, QUERIES.get(0)), values(f.evaluate(QUERIES.get(0))), TOL, p.toString());
            }
        }
    }

    /** The message of loading a checkpoint whose tensors or config were changed by {@code edit}. */
    private static String badCheckpoint(String name, java.util.function.BiConsumer<Map<String, float[]>, Map<String, long[]>> edit,
                                        ObjectNode config) throws IOException {
        Map<String, float[]> tensors = new LinkedHashMap<>(a.tensors());
        Map<String, long[]> shapes = new LinkedHashMap<>(a.shapes());
        edit.accept(tensors, shapes);
        Path p = TinyRewardModels.write(dir.resolve(name), tensors, shapes, config);
        ModelFileException direct = assertThrows(ModelFileException.class, () -> RewardCheckpoint.read(p));
        UncheckedIOException viaConfig = assertThrows(UncheckedIOException.class, () -> load(path(p), ""));
        assertEquals("feedback 'reward_model': " + direct.getMessage(), viaConfig.getMessage());
        return direct.getMessage();
    }

    @Test
    void badCheckpointsNameTheFileAndTheTensor() throws IOException {
        Path dirOf = dir.resolve("no-score");
        assertEquals(dirOf.resolve("model.safetensors") + ": tensor 'score.weight': is missing: a reward model needs its score"
                + " head [1, 16] (the sequence-classification head of HF's *ForSequenceClassification)",
                badCheckpoint("no-score", (t, s) -> t.remove("score.weight"), TinyRewardModels.config()));
        assertEquals(dir.resolve("two-labels").resolve("model.safetensors") + ": tensor 'score.weight' shape: [2, 16] scores 2"
                + " labels; a reward model has one (num_labels = 1): expected [1, 16]",
                badCheckpoint("two-labels", (t, s) -> {
                    t.put("score.weight", new float[32]);
                    s.put("score.weight", new long[] {2, 16});
                }, TinyRewardModels.config()));
        assertEquals(dir.resolve("narrow-score").resolve("model.safetensors") + ": tensor 'score.weight' shape: [1, 8] does not"
                + " match config.json, which implies [1, 16]",
                badCheckpoint("narrow-score", (t, s) -> {
                    t.put("score.weight", new float[8]);
                    s.put("score.weight", new long[] {1, 8});
                }, TinyRewardModels.config()));
        assertEquals(dir.resolve("no-up").resolve("model.safetensors") + ": tensor 'model.layers.1.mlp.up_proj.weight': is missing"
                + " from the checkpoint",
                badCheckpoint("no-up", (t, s) -> t.remove("model.layers.1.mlp.up_proj.weight"), TinyRewardModels.config()));
        assertEquals(dir.resolve("extra").resolve("model.safetensors") + ": tensor 'classifier.weight': is not a tensor of a"
                + " Llama-family reward model (expected model.* and score.weight)",
                badCheckpoint("extra", (t, s) -> {
                    t.put("classifier.weight", new float[16]);
                    s.put("classifier.weight", new long[] {1, 16});
                }, TinyRewardModels.config()));
        ObjectNode twoLabels = TinyRewardModels.config();
        twoLabels.put("num_labels", 2);
        assertEquals(dir.resolve("num-labels").resolve("config.json") + ": num_labels: 2: a reward model scores with one label",
                badCheckpoint("num-labels", (t, s) -> { }, twoLabels));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(empty + ": config.json: is missing: a reward-model checkpoint directory holds config.json and"
                + " model.safetensors", assertThrows(ModelFileException.class, () -> RewardCheckpoint.read(empty)).getMessage());
    }

    @Test
    void badConfigsAreRejected() {
        String both = "\"path\": \"" + dirA + "\", \"paths\": [\"" + dirA + "\"]";
        assertEquals("feedback 'reward_model': 'path' must be given, or else 'paths' (a list of checkpoint directories), but not"
                + " both, got both", assertThrows(IllegalArgumentException.class, () -> load(both, "")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Feedbacks.fromJson("{\"type\": \"reward_model\"}"));
        assertThrows(IllegalArgumentException.class, () -> load("\"paths\": []", ""));
        assertThrows(IllegalArgumentException.class, () -> load(path(dirA), ", \"ensemble\": \"max\""));
        assertThrows(IllegalArgumentException.class, () -> load(path(dirA), ", \"batch_size\": 0"));
        Throwable unknown = assertThrows(IllegalArgumentException.class, () -> load(path(dirA), ", \"batchsize\": 4"));
        assertTrue(unknown.getMessage().contains("unknown parameter [batchsize]"), unknown.getMessage());
        // without a tokenizer parameter the checkpoint directory must hold tokenizer.json
        Throwable noTokenizer = assertThrows(IllegalArgumentException.class,
                () -> Feedbacks.fromJson("{\"type\": \"reward_model\", " + path(dirA) + "}"));
        assertTrue(noTokenizer.getMessage().contains(dirA.resolve("tokenizer.json").toString()), noTokenizer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RewardModelFeedback(List.of(), Ensemble.MEAN, 1));
        assertTrue(Arrays.asList(Ensemble.values()).contains(Ensemble.MIN));
    }
}
