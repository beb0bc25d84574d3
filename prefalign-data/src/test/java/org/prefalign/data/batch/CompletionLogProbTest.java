package org.prefalign.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.data.Fixtures.text;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.kernel.MaskedReductions;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.batch.Truncation.PromptSide;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;
import org.prefalign.data.record.PreferencePair;

/**
 * The masks select exactly the completion: summing a padded batch's masked token log-probs gives,
 * for every row, log π(completion | prompt) computed separately by scoring that row's
 * prompt + completion alone with the model and a log-softmax written out here in double.
 */
class CompletionLogProbTest {

    private static final double TOL = 1e-4; // float32 forward

    /** Σ_j log softmax(logits[p−1+j])[y_j] over the completion, from the unpadded sequence's full logits. */
    private static double completionLogProb(LlamaModel model, PromptCompletion pc) {
        int[] ids = pc.ids();
        int p = pc.completionStart();
        try (ForwardPass pass = ForwardPass.inference(model, TokenBatch.of(new int[][] {ids}))) {
            INDArray logits = pass.logits().value(); // [1, T, V]
            double sum = 0;
            for (int t = p - 1; t < ids.length - 1; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < model.vocabSize(); v++) {
                    max = Math.max(max, logits.getDouble(0, t, v));
                }
                double z = 0;
                for (int v = 0; v < model.vocabSize(); v++) {
                    z += Math.exp(logits.getDouble(0, t, v) - max);
                }
                sum += logits.getDouble(0, t, ids[t + 1]) - max - Math.log(z);
            }
            return sum;
        }
    }

    private static void check(SequenceBatch s, List<PromptCompletion> rows) {
        LlamaModel model = Stories.model();
        double[] batched;
        try (ForwardPass pass = ForwardPass.inference(model, s.input())) {
            INDArray lp = pass.tokenLogProbs(s.targets()).value();
            batched = MaskedReductions.sum(lp, s.targetMask(lp.dataType())).toDoubleVector();
        }
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(completionLogProb(model, rows.get(r)), batched[r], TOL, "row " + r);
        }
    }

    @Test
    void pairsOfTextWithPaddingAndTruncation() {
        Collator c = Collator.of(ContentTokenizer.of(Stories.tokenizer(), Optional.empty()))
                .withTruncation(Truncation.NONE.withMaxPromptLength(6, PromptSide.KEEP_END).withMaxLength(20));
        List<Encoded<PreferencePair>> enc = c.encodeAll(List.of(
                new PreferencePair(text("Once upon a time, there was a little girl named Lily."), text(" She liked to play."),
                        text(" The dog ran far away from home and never came back to the park.")),
                new PreferencePair(text("Tom had a ball."), text(" It was red."), text(" He"))));
        PairBatch batch = c.pairs(enc);
        check(batch.sequences(), List.of(enc.get(0).rows().get(0), enc.get(1).rows().get(0), enc.get(0).rows().get(1),
                enc.get(1).rows().get(1)));
        assertEquals(20, batch.sequences().length()); // the long rejected completion was cut to fit
    }

    @Test
    void chatRowsUnderATemplate() {
        Collator c = Collator.of(ContentTokenizer.of(Stories.tokenizer(), Optional.empty()));
        List<Encoded<PreferencePair>> enc = c.encodeAll(List.of(new PreferencePair(
                Content.chat(Message.user("Tell me a story.")), Content.chat(Message.assistant("Once upon a time.")),
                Content.chat(Message.assistant("No.")))));
        check(c.pairs(enc).sequences(), List.of(enc.get(0).rows().get(0), enc.get(0).rows().get(1)));
    }

    @Test
    void theTargetMaskIsTheCompletionMaskShiftedByOne() {
        Collator c = Collator.of(ContentTokenizer.of(Stories.tokenizer(), Optional.empty()));
        SequenceBatch s = c.pairs(c.encodeAll(List.of(new PreferencePair(text("Tom had a ball."), text(" It was red."),
                text(" He"))))).sequences();
        boolean[][] completion = s.completionMask();
        boolean[][] target = s.targetMask();
        for (int r = 0; r < s.rows(); r++) {
            for (int t = 0; t < s.length(); t++) {
                assertEquals(t + 1 < s.length() && completion[r][t + 1], target[r][t], "row " + r + ", position " + t);
            }
        }
        assertEquals(DataType.FLOAT, s.targetMask(DataType.FLOAT).dataType());
    }
}
