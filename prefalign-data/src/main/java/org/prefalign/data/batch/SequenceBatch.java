package org.prefalign.data.batch;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.tokenizer.PromptCompletion;

/**
 * Rows of prompt + completion tokens, right-padded into a rectangle [B, T], with what a training
 * step reads from them:
 *
 * <ul>
 *   <li>{@link #input()}: the model's {@link TokenBatch} (token ids, attention mask, positions);
 *       padding is {@code padId} with attention 0.</li>
 *   <li>{@link #completionMask()}: [B, T], true at the completion's token positions (TRL's
 *       {@code completion_mask}).</li>
 *   <li>{@link #targets()}: [B, T] next-token targets for
 *       {@link org.prefalign.core.model.ForwardPass#tokenLogProbs(int[][])}: {@code targets[b][t]}
 *       is token t+1 when that token is a completion token, else −1. Log-prob t is then
 *       log p(token t+1 | tokens ≤ t), and 0 outside the completion, so a row's sum is the
 *       completion's log-probability log π(y | x) = Σ_j log π(y_j | x, y_&lt;j).</li>
 *   <li>{@link #targetMask()}: [B, T], true where {@code targets} ≥ 0: the completion mask
 *       shifted left by one, aligned with the log-probs (the mask of
 *       {@link org.prefalign.core.kernel.MaskedReductions} and of token-level objectives).</li>
 * </ul>
 *
 * Every row has a non-empty prompt (its last token predicts the first completion token) and a
 * non-empty completion, so every completion token is scored exactly once.
 */
public final class SequenceBatch {

    private final TokenBatch input;
    private final int[][] targets;
    private final int[] promptLengths;
    private final int[] completionLengths;

    private SequenceBatch(TokenBatch input, int[][] targets, int[] promptLengths, int[] completionLengths) {
        this.input = input;
        this.targets = targets;
        this.promptLengths = promptLengths;
        this.completionLengths = completionLengths;
    }

    /**
     * The rows right-padded to the longest (rounded up to a multiple of {@code padToMultipleOf}).
     *
     * @param padId           the id written at padding positions (never attended to nor scored)
     * @param padToMultipleOf 1 for no rounding
     * @throws IllegalArgumentException for no rows, a row with an empty prompt or completion, a
     *                                  negative pad id, or {@code padToMultipleOf} &lt; 1
     */
    public static SequenceBatch rightPadded(List<PromptCompletion> rows, int padId, int padToMultipleOf) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        if (padId < 0) {
            throw new IllegalArgumentException("padId must be >= 0, got " + padId);
        }
        if (padToMultipleOf < 1) {
            throw new IllegalArgumentException("padToMultipleOf must be >= 1, got " + padToMultipleOf);
        }
        int b = rows.size();
        int longest = 0;
        int[] promptLengths = new int[b];
        int[] completionLengths = new int[b];
        for (int r = 0; r < b; r++) {
            PromptCompletion pc = rows.get(r);
            promptLengths[r] = pc.completionStart();
            completionLengths[r] = pc.completionIds().length;
            if (promptLengths[r] == 0) {
                throw new IllegalArgumentException("row " + r + " has an empty prompt: its first completion token would have"
                        + " no log-prob (start prompts with BOS)");
            }
            if (completionLengths[r] == 0) {
                throw new IllegalArgumentException("row " + r + " has an empty completion");
            }
            longest = Math.max(longest, promptLengths[r] + completionLengths[r]);
        }
        int t = (longest + padToMultipleOf - 1) / padToMultipleOf * padToMultipleOf;
        int[][] tokens = new int[b][t];
        boolean[][] attention = new boolean[b][t];
        int[][] targets = new int[b][t];
        for (int r = 0; r < b; r++) {
            int[] ids = rows.get(r).ids();
            Arrays.fill(tokens[r], padId);
            Arrays.fill(targets[r], -1);
            System.arraycopy(ids, 0, tokens[r], 0, ids.length);
            for (int i = 0; i < ids.length; i++) {
                attention[r][i] = true;
            }
            for (int i = promptLengths[r] - 1; i < ids.length - 1; i++) {
                targets[r][i] = ids[i + 1];
            }
        }
        return new SequenceBatch(TokenBatch.padded(tokens, attention), targets, promptLengths, completionLengths);
    }

    /** The model input: token ids [B, T], attention mask and positions. */
    public TokenBatch input() {
        return input;
    }

    /** Number of rows B. */
    public int rows() {
        return targets.length;
    }

    /** Padded length T. */
    public int length() {
        return input.length();
    }

    /** Next-token targets [B, T]: token t+1 where it is a completion token, else −1 (a copy). */
    public int[][] targets() {
        int[][] copy = new int[targets.length][];
        for (int r = 0; r < targets.length; r++) {
            copy[r] = targets[r].clone();
        }
        return copy;
    }

    /** True at the completion tokens' positions [B, T]. */
    public boolean[][] completionMask() {
        boolean[][] m = new boolean[rows()][length()];
        for (int r = 0; r < rows(); r++) {
            for (int i = promptLengths[r]; i < promptLengths[r] + completionLengths[r]; i++) {
                m[r][i] = true;
            }
        }
        return m;
    }

    /** True where a log-prob counts [B, T]: {@code targets[b][t] >= 0}. */
    public boolean[][] targetMask() {
        boolean[][] m = new boolean[rows()][length()];
        for (int r = 0; r < rows(); r++) {
            for (int i = 0; i < length(); i++) {
                m[r][i] = targets[r][i] >= 0;
            }
        }
        return m;
    }

    /** {@link #targetMask()} as 0/1 values of {@code type}, [B, T]. */
    public INDArray targetMask(DataType type) {
        double[] flat = new double[rows() * length()];
        for (int r = 0; r < rows(); r++) {
            for (int i = 0; i < length(); i++) {
                flat[r * length() + i] = targets[r][i] >= 0 ? 1 : 0;
            }
        }
        return Nd4j.create(flat, new long[] {rows(), length()}, type);
    }

    /** Prompt length of {@code row} in tokens (after truncation). */
    public int promptLength(int row) {
        return promptLengths[row];
    }

    /** Completion length of {@code row} in tokens: the number of log-probs its sum holds. */
    public int completionLength(int row) {
        return completionLengths[row];
    }

    /** Completion lengths of all rows. */
    public int[] completionLengths() {
        return completionLengths.clone();
    }

    /** Real (attended) tokens of all rows. */
    public long realTokens() {
        long n = 0;
        for (int r = 0; r < rows(); r++) {
            n += promptLengths[r] + completionLengths[r];
        }
        return n;
    }

    /** Padding positions: B·T − real tokens. */
    public long paddingTokens() {
        return (long) rows() * length() - realTokens();
    }
}
