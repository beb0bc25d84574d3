package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.GradCheck;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.autodiff.Tensor;

/** Finite-difference checks of the whole decoder and its heads, in double, on padded batches. */
class ModelGradientTest {

    private static TokenBatch paddedBatch() {
        Random rng = new Random(101);
        int[][] tokens = {TinyModels.randomTokens(rng, 7, 17), TinyModels.randomTokens(rng, 7, 17)};
        // repeated tokens exercise the embedding's scatter-add
        tokens[0][5] = tokens[0][1];
        tokens[1][6] = tokens[0][1];
        boolean[][] mask = {
            {true, true, true, true, true, true, true},
            {false, false, true, true, true, true, true},
        };
        return TokenBatch.padded(tokens, mask);
    }

    private static int[] flatTargets(TokenBatch batch) {
        int[][] t = batch.nextTokenTargets();
        int[] flat = new int[batch.batchSize() * batch.length()];
        for (int b = 0; b < t.length; b++) {
            System.arraycopy(t[b], 0, flat, b * batch.length(), batch.length());
        }
        return flat;
    }

    @Test
    void tokenLogProbGradientsOfEveryParameter() {
        for (DecoderConfig config : List.of(
                TinyModels.config(RopePairing.ADJACENT, new RopeScaling.None(), false, false),
                TinyModels.config(RopePairing.HALF_SPLIT, new RopeScaling.Llama3(8, 1, 4, 16), true, true))) {
            LlamaModel model = TinyModels.model(config, 3, DataType.DOUBLE);
            TokenBatch batch = paddedBatch();
            int[] targets = flatTargets(batch);
            GradCheck.check("model log-probs " + config.ropePairing(), new ArrayList<>(model.parameters().values()),
                    t -> model.tokenLogProbs(t, model.hiddenStates(t, batch), targets, 0.8), 1e-6, 5);
        }
    }

    @Test
    void valueAndRewardHeadGradientsReachHeadAndBackbone() {
        DecoderConfig config = TinyModels.config(RopePairing.HALF_SPLIT, new RopeScaling.None(), true, true);
        LlamaModel model = TinyModels.model(config, 4, DataType.DOUBLE);
        ScalarHead value = ScalarHead.valueHead(config.dim(), 5, DataType.DOUBLE);
        ScalarHead reward = ScalarHead.rewardHead(config.dim(), 6, DataType.DOUBLE);
        TokenBatch batch = paddedBatch();
        List<Tensor> someBackbone = List.of(model.parameters().get("blk.1.ffn_down.weight"),
                model.parameters().get("blk.0.attn_k.weight"), model.parameters().get("token_embd.weight"));
        List<Tensor> valueParams = new ArrayList<>(value.parameters().values());
        valueParams.addAll(someBackbone);
        GradCheck.check("value head", valueParams, t -> value.score(t, model.hiddenStates(t, batch)), 1e-6, 8);
        List<Tensor> rewardParams = new ArrayList<>(reward.parameters().values());
        rewardParams.addAll(someBackbone);
        int[] lastRows = {6, 13};
        GradCheck.check("reward head", rewardParams, t -> reward.score(t, model.hiddenStates(t, batch), lastRows), 1e-6, 8);
    }

    @Test
    void backwardOfSeveralOutputsEqualsTheSumOfSeparateBackwards() {
        DecoderConfig config = TinyModels.config(RopePairing.ADJACENT, new RopeScaling.None(), false, false);
        LlamaModel model = TinyModels.model(config, 9, DataType.DOUBLE);
        ScalarHead value = ScalarHead.valueHead(config.dim(), 10, DataType.DOUBLE);
        TokenBatch batch = paddedBatch();
        Random rng = new Random(102);
        INDArray dLogps = GradCheck.random(rng, 1, 2, 7);
        INDArray dValues = GradCheck.random(rng, 1, 2, 7);
        try (ForwardPass pass = ForwardPass.training(model, batch)) {
            Map<Tensor, INDArray> seeds = new LinkedHashMap<>();
            seeds.put(pass.tokenLogProbs(batch.nextTokenTargets()), dLogps);
            seeds.put(pass.tokenScores(value), dValues);
            pass.backward(seeds);
        }
        Map<String, INDArray> joint = snapshotAndZero(model);
        try (ForwardPass pass = ForwardPass.training(model, batch)) {
            pass.backward(pass.tokenLogProbs(batch.nextTokenTargets()), dLogps);
        }
        try (ForwardPass pass = ForwardPass.training(model, batch)) {
            pass.backward(pass.tokenScores(value), dValues);
        }
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            double diff = e.getValue().grad().sub(joint.get(e.getKey())).amaxNumber().doubleValue();
            assertEquals(0.0, diff, 1e-12, e.getKey());
        }
    }

    private static Map<String, INDArray> snapshotAndZero(LlamaModel model) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        model.parameters().forEach((k, v) -> m.put(k, v.grad().dup()));
        model.zeroGrad();
        return m;
    }
}
