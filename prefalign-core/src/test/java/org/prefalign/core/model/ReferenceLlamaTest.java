package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.RopePairing;

/** The ND4J decoder against the plain-Java {@link ReferenceLlama} on tiny random configurations. */
class ReferenceLlamaTest {

    private static final List<DecoderConfig> CONFIGS = List.of(
            TinyModels.config(RopePairing.ADJACENT, new RopeScaling.None(), false, false),
            TinyModels.config(RopePairing.HALF_SPLIT, new RopeScaling.Linear(2), true, true),
            TinyModels.config(RopePairing.ADJACENT, new RopeScaling.Llama3(8, 1, 4, 16), true, true));

    @Test
    void logProbsAndLogitsMatchTheReferenceInPaddedBatches() {
        Random rng = new Random(91);
        for (DecoderConfig config : CONFIGS) {
            LlamaModel model = TinyModels.model(config, 7, DataType.DOUBLE);
            ReferenceLlama ref = new ReferenceLlama(config, TinyModels.weights(model));
            int[][] seqs = {TinyModels.randomTokens(rng, 9, 17), TinyModels.randomTokens(rng, 6, 17)};
            for (boolean left : new boolean[] {true, false}) {
                int[][] tokens = new int[2][9];
                boolean[][] mask = new boolean[2][9];
                int[] offset = new int[2];
                for (int b = 0; b < 2; b++) {
                    offset[b] = left ? 9 - seqs[b].length : 0;
                    for (int i = 0; i < seqs[b].length; i++) {
                        tokens[b][offset[b] + i] = seqs[b][i];
                        mask[b][offset[b] + i] = true;
                    }
                }
                TokenBatch batch = TokenBatch.padded(tokens, mask);
                int[] last = batch.lastRealIndex();
                try (ForwardPass pass = ForwardPass.inference(model, batch)) {
                    INDArray lp = pass.tokenLogProbs(batch.nextTokenTargets()).value();
                    INDArray lastLogits = pass.logitsAt(last).value();
                    for (int b = 0; b < 2; b++) {
                        int n = seqs[b].length;
                        int[] positions = new int[n];
                        for (int i = 0; i < n; i++) {
                            positions[i] = i;
                        }
                        double[][] logits = ref.logits(seqs[b], positions);
                        for (int i = 0; i + 1 < n; i++) {
                            assertEquals(ReferenceLlama.logProb(logits[i], seqs[b][i + 1]), lp.getDouble(b, offset[b] + i), 1e-10,
                                    config + " seq " + b + " token " + i);
                        }
                        for (int v = 0; v < 17; v++) {
                            assertEquals(logits[n - 1][v], lastLogits.getDouble(b, v), 1e-10, config + " last logit " + v);
                        }
                    }
                }
            }
        }
    }

    @Test
    void float32AgreesWithTheDoubleReference() {
        DecoderConfig config = CONFIGS.get(1);
        LlamaModel model64 = TinyModels.model(config, 8, DataType.DOUBLE);
        ReferenceLlama ref = new ReferenceLlama(config, TinyModels.weights(model64));
        java.util.Map<String, INDArray> w32 = new java.util.LinkedHashMap<>();
        model64.parameters().forEach((k, v) -> w32.put(k, v.value().castTo(DataType.FLOAT)));
        LlamaModel model32 = LlamaModel.create(config, w32);
        int[] seq = TinyModels.randomTokens(new Random(92), 12, 17);
        TokenBatch batch = TokenBatch.of(new int[][] {seq});
        INDArray lp = model32.logProbs(batch, batch.nextTokenTargets());
        double[][] logits = ref.logits(seq, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        for (int i = 0; i + 1 < seq.length; i++) {
            assertEquals(ReferenceLlama.logProb(logits[i], seq[i + 1]), lp.getDouble(0, i), 1e-4);
        }
    }
}
