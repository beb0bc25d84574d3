package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.io.hf.LlamaConfig;

/** Configuration parsing, RoPE scaling by hand, batches, and the errors bad inputs get. */
class ConfigAndBatchTest {

    @Test
    void ropeFrequenciesByHand() {
        // head size 8, θ = 10⁴: ω = 1, 0.1, 0.01, 0.001
        assertArrayEquals(new double[] {1.0, 0.1, 0.01, 0.001}, new RopeScaling.None().inverseFrequencies(8, 10000), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.025, 0.0025, 0.00025}, new RopeScaling.Linear(4).inverseFrequencies(8, 10000), 1e-15);
        // llama3, factor 8, low 1, high 4, original context 100: wavelengths 2π/ω = 6.3 (kept), 62.8 (interpolated
        // with s = (100/62.8 − 1)/3), 628 and 6283 (divided by 8)
        assertArrayEquals(new double[] {1.0, 0.02975352506846948, 0.00125, 0.000125},
                new RopeScaling.Llama3(8, 1, 4, 100).inverseFrequencies(8, 10000), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling.Llama3(8, 4, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling.Linear(0.5));
        assertThrows(IllegalArgumentException.class, () -> RopeScaling.baseFrequencies(7, 10000));
    }

    private static LlamaConfig hf(Map<String, Object> ropeScaling) {
        return new LlamaConfig("llama", 16, 40, 2, 4, 2, 4, 50, 128, 1e-6, 500000, ropeScaling, true, false, false,
                OptionalInt.of(1), List.of(2));
    }

    @Test
    void hfConfigBecomesADecoderConfig() {
        Map<String, Object> llama3 = new HashMap<>();
        llama3.put("rope_type", "llama3");
        llama3.put("factor", 8.0);
        llama3.put("low_freq_factor", 1.0);
        llama3.put("high_freq_factor", 4.0);
        llama3.put("original_max_position_embeddings", 64);
        DecoderConfig c = DecoderConfig.fromHf(hf(llama3), RopePairing.HALF_SPLIT);
        assertEquals(16, c.dim());
        assertEquals(2, c.kvHeads());
        assertEquals(40, c.ffnDim());
        assertEquals(500000, c.ropeTheta());
        assertEquals(new RopeScaling.Llama3(8, 1, 4, 64), c.ropeScaling());
        assertTrue(c.tiedEmbeddings());
        assertInstanceOf(RopeScaling.None.class, DecoderConfig.fromHf(hf(Map.of()), RopePairing.ADJACENT).ropeScaling());
        assertEquals(new RopeScaling.Linear(2), DecoderConfig.fromHf(hf(Map.of("type", "linear", "factor", 2.0)),
                RopePairing.ADJACENT).ropeScaling());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecoderConfig.fromHf(hf(Map.of("rope_type", "yarn", "factor", 2.0)), RopePairing.ADJACENT));
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }

    @Test
    void paddedBatchPositionsTargetsAndLastTokens() {
        TokenBatch b = TokenBatch.padded(new int[][] {{0, 0, 5, 6, 7}, {8, 9, 0, 0, 0}},
                new boolean[][] {{false, false, true, true, true}, {true, true, false, false, false}});
        assertArrayEquals(new int[] {0, 0, 0, 1, 2}, b.positions()[0]);
        assertArrayEquals(new int[] {0, 1, 0, 0, 0}, b.positions()[1]);
        assertArrayEquals(new int[] {-1, -1, 6, 7, -1}, b.nextTokenTargets()[0]);
        assertArrayEquals(new int[] {9, -1, -1, -1, -1}, b.nextTokenTargets()[1]);
        assertArrayEquals(new int[] {4, 1}, b.lastRealIndex());
        assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(new int[][] {{1, 2}, {3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(new int[][] {{1, -2}}));
        assertTrue(e.getMessage().contains("tokens[0][1]"), e.getMessage());
    }

    @Test
    void modelRejectsWrongWeightsAndTokensByName() {
        DecoderConfig config = TinyModels.config(RopePairing.ADJACENT, new RopeScaling.None(), false, false);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        LlamaModel.random(config, 1, DataType.FLOAT).parameters().forEach((k, v) -> weights.put(k, v.value()));
        Map<String, INDArray> missing = new LinkedHashMap<>(weights);
        missing.remove("blk.1.ffn_up.weight");
        assertMessage("blk.1.ffn_up.weight", () -> LlamaModel.create(config, missing));
        Map<String, INDArray> misShaped = new LinkedHashMap<>(weights);
        misShaped.put("blk.0.attn_k.weight", Nd4j.zeros(DataType.FLOAT, 12, 8));
        assertMessage("blk.0.attn_k.weight", () -> LlamaModel.create(config, misShaped));
        Map<String, INDArray> extra = new LinkedHashMap<>(weights);
        extra.put("blk.0.attn_q.bias", Nd4j.zeros(DataType.FLOAT, 16));
        assertMessage("blk.0.attn_q.bias", () -> LlamaModel.create(config, extra));
        LlamaModel model = LlamaModel.create(config, weights);
        assertMessage("tokens[0][1] = 17", () -> model.logProbs(TokenBatch.of(new int[][] {{1, 17}}), new int[][] {{-1, -1}}));
        int[][] longTokens = new int[1][65];
        assertMessage("context length", () -> model.logProbs(TokenBatch.of(longTokens), new int[1][65]));
        try (ForwardPass pass = ForwardPass.inference(model, TokenBatch.of(new int[][] {{1, 2, 3}}))) {
            assertMessage("targets", () -> pass.tokenLogProbs(new int[][] {{1, 2}}));
            assertMessage("positions[0] = 3", () -> pass.logitsAt(new int[] {3}));
        }
    }

    @Test
    void headsAreNamedAndInitialisedAsTrlAndHfDo() {
        ScalarHead value = ScalarHead.valueHead(64, 1, DataType.DOUBLE);
        assertEquals(List.of("v_head.summary.weight", "v_head.summary.bias"), List.copyOf(value.parameters().keySet()));
        assertTrue(value.parameters().get("v_head.summary.weight").value().amaxNumber().doubleValue() <= 1 / 8.0);
        ScalarHead reward = ScalarHead.rewardHead(64, 1, DataType.DOUBLE);
        assertEquals(List.of("score.weight"), List.copyOf(reward.parameters().keySet()));
        double sd = reward.parameters().get("score.weight").value().stdNumber().doubleValue();
        assertTrue(sd > 0.01 && sd < 0.03, "std " + sd);
        assertEquals(65, value.parameterCount());
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should name " + fragment);
    }
}
