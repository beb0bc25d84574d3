package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * stories260K against per-token log-probs computed in float64 by an independent Llama forward
 * (/work/shared/golden/stories260K-logprobs.json): our float32 forward agrees to 1e-4, alone and
 * inside padded batches.
 */
class StoriesGoldenTest {

    private static final double TOL = 1e-4;

    private record Case(int[] tokens, double[] targetLogProbs, double sum, double[] lastLogits) {
    }

    private static LlamaModel model;
    private static List<Case> cases;

    static Path shared() {
        return Path.of(System.getProperty("prefalign.shared", "../../shared"));
    }

    @BeforeAll
    static void load() throws IOException {
        model = LlamaModel.fromGguf(shared().resolve("models/stories260K.gguf"));
        JsonNode root = new ObjectMapper().readTree(shared().resolve("golden/stories260K-logprobs.json").toFile());
        cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            cases.add(new Case(ints(c.get("tokens")), doubles(c.get("target_logprobs")),
                    c.get("sum_logprob").asDouble(), doubles(c.get("last_position_logits"))));
        }
    }

    @Test
    void configIsReadFromTheFile() {
        DecoderConfig c = model.config();
        assertEquals(64, c.dim());
        assertEquals(5, c.layers());
        assertEquals(8, c.heads());
        assertEquals(4, c.kvHeads());
        assertEquals(8, c.headDim());
        assertEquals(172, c.ffnDim());
        assertEquals(512, c.vocabSize());
        assertEquals(false, c.tiedEmbeddings());
    }

    @Test
    void eachSequenceAloneMatchesTheGoldenLogProbsAndLastLogits() {
        for (Case c : cases) {
            TokenBatch batch = TokenBatch.of(new int[][] {c.tokens()});
            try (ForwardPass pass = ForwardPass.inference(model, batch)) {
                INDArray lp = pass.tokenLogProbs(batch.nextTokenTargets()).value();
                double sum = 0;
                for (int t = 0; t < c.targetLogProbs().length; t++) {
                    assertEquals(c.targetLogProbs()[t], lp.getDouble(0, t), TOL, "length " + c.tokens().length + " t " + t);
                    sum += lp.getDouble(0, t);
                }
                assertEquals(0.0, lp.getDouble(0, c.tokens().length - 1), 0.0, "no target after the last token");
                assertEquals(c.sum(), sum, TOL * c.tokens().length);
                INDArray logits = pass.logitsAt(new int[] {c.tokens().length - 1}).value();
                INDArray all = pass.logits().value();
                for (int v = 0; v < c.lastLogits().length; v++) {
                    assertEquals(c.lastLogits()[v], logits.getDouble(0, v), TOL, "last logit " + v);
                    assertEquals(c.lastLogits()[v], all.getDouble(0, c.tokens().length - 1, v), TOL, "all logits, last " + v);
                }
            }
        }
    }

    @Test
    void paddedBatchesGiveTheSameLogProbsOnEitherSide() {
        int t = 0;
        for (Case c : cases) {
            t = Math.max(t, c.tokens().length);
        }
        for (boolean left : new boolean[] {false, true}) {
            int[][] tokens = new int[cases.size()][t];
            boolean[][] mask = new boolean[cases.size()][t];
            for (int b = 0; b < cases.size(); b++) {
                int[] seq = cases.get(b).tokens();
                int offset = left ? t - seq.length : 0;
                for (int i = 0; i < seq.length; i++) {
                    tokens[b][offset + i] = seq[i];
                    mask[b][offset + i] = true;
                }
            }
            TokenBatch batch = TokenBatch.padded(tokens, mask);
            INDArray lp = model.logProbs(batch, batch.nextTokenTargets());
            for (int b = 0; b < cases.size(); b++) {
                Case c = cases.get(b);
                int offset = left ? t - c.tokens().length : 0;
                for (int i = 0; i < t; i++) {
                    int k = i - offset;
                    double want = k >= 0 && k < c.targetLogProbs().length ? c.targetLogProbs()[k] : 0.0;
                    assertEquals(want, lp.getDouble(b, i), TOL, (left ? "left" : "right") + " padding, seq " + b + " pos " + i);
                }
            }
        }
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    private static double[] doubles(JsonNode a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asDouble();
        }
        return r;
    }
}
