package org.prefalign.core.model;

import java.util.Arrays;

/**
 * A rectangular batch of B token sequences of length T, with which positions are real (the
 * attention mask; padding may sit left or right) and each token's RoPE position.
 *
 * <p>Positions default to the count of real tokens before a position (HF's
 * {@code attention_mask.cumsum(-1) - 1}), so a left-padded prompt starts at position 0. A row may
 * be all padding (a finished sequence in a decoding step): it yields no log-probs.
 */
public record TokenBatch(int[][] tokens, boolean[][] attentionMask, int[][] positions) {

    public TokenBatch {
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("a token batch needs at least one sequence of at least one token");
        }
        int t = tokens[0].length;
        if (attentionMask.length != tokens.length || positions.length != tokens.length) {
            throw new IllegalArgumentException("tokens, attentionMask and positions must have the same number of rows ("
                    + tokens.length + ", " + attentionMask.length + ", " + positions.length + ")");
        }
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length != t || attentionMask[b].length != t || positions[b].length != t) {
                throw new IllegalArgumentException("row " + b + " of the batch is not of length " + t);
            }
            for (int i = 0; i < t; i++) {
                if (tokens[b][i] < 0) {
                    throw new IllegalArgumentException("tokens[" + b + "][" + i + "] = " + tokens[b][i] + " is negative");
                }
                if (positions[b][i] < 0) {
                    throw new IllegalArgumentException("positions[" + b + "][" + i + "] = " + positions[b][i] + " is negative");
                }
            }
        }
    }

    /** Unpadded sequences of equal length: every token real, positions 0..T−1. */
    public static TokenBatch of(int[][] tokens) {
        boolean[][] mask = new boolean[tokens.length][];
        for (int b = 0; b < tokens.length; b++) {
            mask[b] = new boolean[tokens[b].length];
            Arrays.fill(mask[b], true);
        }
        return padded(tokens, mask);
    }

    /** Padded sequences; a real token's position counts the real tokens before it, padding gets 0. */
    public static TokenBatch padded(int[][] tokens, boolean[][] attentionMask) {
        int[][] positions = new int[attentionMask.length][];
        for (int b = 0; b < attentionMask.length; b++) {
            positions[b] = new int[attentionMask[b].length];
            int seen = 0;
            for (int i = 0; i < attentionMask[b].length; i++) {
                positions[b][i] = attentionMask[b][i] ? seen++ : 0; // a padding position is never seen
            }
        }
        return new TokenBatch(tokens, attentionMask, positions);
    }

    public int batchSize() {
        return tokens.length;
    }

    public int length() {
        return tokens[0].length;
    }

    /** Tokens row-major, B·T of them. */
    public int[] flatTokens() {
        return flatten(tokens);
    }

    /** Positions row-major, B·T of them. */
    public int[] flatPositions() {
        return flatten(positions);
    }

    /**
     * Next-token targets: targets[b][t] = tokens[b][t+1] when positions t and t+1 are both real,
     * else −1 (ignored). Log-prob t is then log p(token t+1 | tokens ≤ t).
     */
    public int[][] nextTokenTargets() {
        int[][] targets = new int[tokens.length][length()];
        for (int b = 0; b < tokens.length; b++) {
            for (int t = 0; t < length(); t++) {
                boolean has = t + 1 < length() && attentionMask[b][t] && attentionMask[b][t + 1];
                targets[b][t] = has ? tokens[b][t + 1] : -1;
            }
        }
        return targets;
    }

    /** Index of the last real token of each sequence (where a reward head reads its score). */
    public int[] lastRealIndex() {
        int[] last = new int[tokens.length];
        for (int b = 0; b < tokens.length; b++) {
            for (int t = 0; t < length(); t++) {
                if (attentionMask[b][t]) {
                    last[b] = t;
                }
            }
        }
        return last;
    }

    private static int[] flatten(int[][] rows) {
        int t = rows[0].length;
        int[] flat = new int[rows.length * t];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, flat, b * t, t);
        }
        return flat;
    }
}
