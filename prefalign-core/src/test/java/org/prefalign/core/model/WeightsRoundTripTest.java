package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.io.ModelWeights;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.hf.LlamaConfig;

/** Models to weights containers and files and back give the same log-probs. */
class WeightsRoundTripTest {

    private static final LlamaConfig TINY_HF = new LlamaConfig("llama", 12, 20, 2, 4, 2, 4, 17, 64, 1e-5, 10000,
            Map.of(), false, true, true, OptionalInt.of(1), List.of(2));

    private static INDArray logProbs(LlamaModel model, int[] tokens) {
        TokenBatch batch = TokenBatch.of(new int[][] {tokens});
        return model.logProbs(batch, batch.nextTokenTargets());
    }

    private static void assertSame(INDArray want, INDArray got, double tol) {
        double err = want.sub(got).amaxNumber().doubleValue();
        assertTrue(err <= tol, "log-prob error " + err);
    }

    @Test
    void aHalfSplitModelSurvivesTheAdjacentPairContainerAndAnHfCheckpoint(@TempDir Path dir) throws Exception {
        DecoderConfig config = DecoderConfig.fromHf(TINY_HF, RopePairing.HALF_SPLIT);
        LlamaModel halfSplit = TinyModels.model(config, 21, DataType.FLOAT);
        int[] tokens = TinyModels.randomTokens(new Random(151), 12, 17);
        INDArray want = logProbs(halfSplit, tokens);
        ModelWeights weights = halfSplit.toWeights(TINY_HF);
        LlamaModel adjacent = LlamaModel.fromWeights(weights, DataType.FLOAT);
        assertTrue(adjacent.config().ropePairing() == RopePairing.ADJACENT);
        assertSame(want, logProbs(adjacent, tokens), 1e-5);
        weights.saveHf(dir);
        assertSame(want, logProbs(LlamaModel.fromHf(dir), tokens), 1e-5);
    }

    @Test
    void storiesThroughTheContainerIsUnchanged() throws Exception {
        GgufFile file = GgufFile.read(StoriesGoldenTest.shared().resolve("models/stories260K.gguf"));
        LlamaModel model = LlamaModel.fromGguf(file, DataType.FLOAT);
        int[] tokens = TinyModels.randomTokens(new Random(152), 30, 512);
        tokens[0] = 1;
        LlamaModel again = LlamaModel.fromWeights(model.toWeights(LlamaConfig.fromGguf(file)), DataType.FLOAT);
        assertSame(logProbs(model, tokens), logProbs(again, tokens), 0.0);
        assertThrows(IllegalArgumentException.class, () -> model.toWeights(TINY_HF));
    }
}
