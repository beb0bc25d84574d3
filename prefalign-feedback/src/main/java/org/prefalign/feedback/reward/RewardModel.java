package org.prefalign.feedback.reward;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.model.ScalarHead;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.batch.ContentTokenizer;
import org.prefalign.data.batch.SequenceBatch;
import org.prefalign.data.batch.Truncation;
import org.prefalign.data.batch.TruncationStats;
import org.prefalign.data.record.Content;

/**
 * A Bradley–Terry reward model r(x, y) (Ouyang et al. 2022, "Training language models to follow
 * instructions with human feedback", arXiv:2203.02155, §3.5): a decoder reads prompt x and
 * completion y, and a linear head on the final hidden state of the sequence's last token gives
 * one number, s = h_last · w (+ b) ({@link ScalarHead}, {@link ForwardPass#sequenceScores}).
 *
 * <p>Sequences are tokenized as training tokenizes them ({@link ContentTokenizer}: chat rendered
 * by the template, text completions ending in EOS), so the score is read at the token the model
 * was trained to score. A sequence longer than {@code maxLength} loses the start of its prompt
 * (BOS kept), so that its completion and last token are still read; only a completion that
 * alone fills {@code maxLength} is cut (at its end). Cuts are counted in
 * {@link #truncationStats()}.
 *
 * <p>Scores are computed without gradients, {@code batchSize} sequences per forward pass, sorted
 * by length first to cut padding; right padding and causal attention make a sequence's score
 * independent of its batch up to float rounding.
 */
public final class RewardModel {

    private final CausalLM backbone;
    private final ScalarHead head;
    private final ContentTokenizer content;
    private final int maxLength;
    private final String source;
    private final TruncationStats stats = new TruncationStats();

    /**
     * @param backbone  the decoder (its hidden size is the head's input)
     * @param head      the score head
     * @param content   how prompt and completion become tokens of the backbone's vocabulary
     * @param maxLength longest sequence scored, in [2, backbone context length]
     * @param source    names the model in messages (a path)
     */
    public RewardModel(CausalLM backbone, ScalarHead head, ContentTokenizer content, int maxLength, String source) {
        this.backbone = Objects.requireNonNull(backbone, "backbone");
        this.head = Objects.requireNonNull(head, "head");
        this.content = Objects.requireNonNull(content, "content");
        this.source = Objects.requireNonNull(source, "source");
        long[] w = head.parameters().values().iterator().next().value().shape(); // the weight comes first
        if (w[1] != backbone.hiddenSize()) {
            throw new IllegalArgumentException(source + ": the score head reads " + w[1] + " features, the backbone's hidden"
                    + " size is " + backbone.hiddenSize());
        }
        if (content.tokenizer().vocabSize() > backbone.vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + content.tokenizer().vocabSize()
                    + " tokens, the model's vocabulary " + backbone.vocabSize());
        }
        if (maxLength < 2 || maxLength > backbone.contextLength()) {
            throw new IllegalArgumentException(source + ": maxLength must be in [2, " + backbone.contextLength()
                    + "] (the model's context length), got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** A checkpoint's backbone and head, scoring sequences up to its context length. */
    public static RewardModel of(RewardCheckpoint checkpoint, ContentTokenizer content, String source) {
        return new RewardModel(checkpoint.backbone(), checkpoint.head(), content, checkpoint.backbone().contextLength(), source);
    }

    /** The same model scoring sequences of at most {@code maxLength} tokens. */
    public RewardModel withMaxLength(int maxLength) {
        return new RewardModel(backbone, head, content, maxLength, source);
    }

    public ContentTokenizer content() {
        return content;
    }

    public int maxLength() {
        return maxLength;
    }

    public String source() {
        return source;
    }

    /** What the length limit has cut so far. */
    public TruncationStats truncationStats() {
        return stats;
    }

    /** The tokens scored for {@code completion} of {@code prompt}, cut to {@link #maxLength()}. */
    public PromptCompletion encode(Content prompt, Content completion) {
        PromptCompletion pc = content.encode(prompt, completion);
        int promptRoom = Math.max(1, maxLength - pc.completionIds().length);
        Truncation t = Truncation.NONE.withMaxPromptLength(promptRoom, Truncation.PromptSide.KEEP_END).withMaxLength(maxLength);
        return t.apply(pc, content.tokenizer().bosId(), stats);
    }

    /**
     * The score of each sequence, {@code batchSize} per forward pass.
     *
     * @throws IllegalArgumentException if {@code batchSize} &lt; 1, or a sequence is empty or
     *                                  longer than {@link #maxLength()}
     */
    public double[] score(List<PromptCompletion> sequences, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        for (int i = 0; i < sequences.size(); i++) {
            int n = sequences.get(i).ids().length;
            if (n == 0 || n > maxLength) {
                throw new IllegalArgumentException(source + ": sequence " + i + " has " + n + " tokens, expected 1 to "
                        + maxLength);
            }
        }
        int[] order = IntStream.range(0, sequences.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -sequences.get(i).ids().length))
                .mapToInt(Integer::intValue).toArray();
        double[] scores = new double[sequences.size()];
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<PromptCompletion> rows = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                rows.add(sequences.get(order[k]));
            }
            double[] s = scoreBatch(rows);
            for (int k = from; k < to; k++) {
                scores[order[k]] = s[k - from];
            }
        }
        return scores;
    }

    /** One forward pass: the head at each row's last real token. */
    private double[] scoreBatch(List<PromptCompletion> rows) {
        SequenceBatch batch = SequenceBatch.rightPadded(rows, content.tokenizer().padId().orElse(0), 1);
        try (ForwardPass pass = ForwardPass.inference(backbone, batch.input())) {
            return pass.sequenceScores(head).value().toDoubleVector();
        }
    }
}
