package org.prefalign.algorithms.objective.policy;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * How token losses ℓ_{i,t} become one scalar: loss = Σ_i c_i Σ_t m_{i,t} ℓ_{i,t}, with a weight
 * c_i per sequence that depends only on the optimizer step's counts, so micro-batches sharing the
 * step's {@link StepNormalizer} add up exactly to the undivided batch. Names are verl's
 * {@code loss_agg_mode}s; TRL's {@code loss_type}s pick them (S = step sequences, N = step tokens,
 * n_i = tokens of sequence i, L = {@code max_completion_length}):
 *
 * <ul>
 * <li>{@code token-mean}: c_i = 1/N — TRL {@code dapo}, {@code bnpo}, {@code cispo}; the
 *     token-level loss of DAPO (Yu et al. 2025, arXiv:2503.14476)</li>
 * <li>{@code seq-mean-token-mean}: c_i = 1/(S·max(n_i, 1)) — TRL {@code grpo} (Shao et al. 2024,
 *     arXiv:2402.03300)</li>
 * <li>{@code seq-mean-token-sum}: c_i = 1/S</li>
 * <li>{@code seq-mean-token-sum-norm}: c_i = 1/(S·L) — TRL {@code dr_grpo}'s constant
 *     normaliser (Liu et al. 2025, arXiv:2503.20783), free of length bias</li>
 * </ul>
 *
 * @param mode                the aggregation
 * @param maxCompletionLength L for {@code seq-mean-token-sum-norm}, 0 for the others
 */
public record LossAggregation(Mode mode, int maxCompletionLength) {

    /** TRL's default {@code max_completion_length}. */
    public static final int DEFAULT_MAX_COMPLETION_LENGTH = 512;

    /** The aggregation modes, by their verl names. */
    public enum Mode {
        TOKEN_MEAN("token-mean"),
        SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean"),
        SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum"),
        SEQ_MEAN_TOKEN_SUM_NORM("seq-mean-token-sum-norm");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Mode of(String id) {
            for (Mode m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown aggregation '" + id + "'");
        }
    }

    public LossAggregation {
        if (mode == null) {
            throw new IllegalArgumentException("aggregation mode is required");
        }
        if (mode == Mode.SEQ_MEAN_TOKEN_SUM_NORM ? maxCompletionLength < 1 : maxCompletionLength != 0) {
            throw new IllegalArgumentException("max_completion_length must be >= 1 for seq-mean-token-sum-norm and"
                    + " unset otherwise, got " + maxCompletionLength + " with " + mode.id());
        }
    }

    /**
     * Reads {@code aggregation} (default {@code def}) and, for {@code seq-mean-token-sum-norm},
     * {@code max_completion_length} (default 512).
     */
    public static LossAggregation read(ObjectiveConfig cfg, Mode def) {
        String[] ids = new String[Mode.values().length];
        for (Mode m : Mode.values()) {
            ids[m.ordinal()] = m.id();
        }
        Mode mode = Mode.of(cfg.choice("aggregation", def.id(), ids));
        int length = mode == Mode.SEQ_MEAN_TOKEN_SUM_NORM
                ? cfg.integer("max_completion_length", DEFAULT_MAX_COMPLETION_LENGTH, 1) : 0;
        return new LossAggregation(mode, length);
    }

    /**
     * The weight c_i of each sequence's masked token-loss sum.
     *
     * @param tokens the completion token count n_i of each sequence in this micro-batch
     * @param step   the optimizer step's counts
     * @param owner  the objective's name, for messages
     * @throws IllegalArgumentException when a sequence is longer than {@code max_completion_length}
     */
    public double[] sequenceWeights(double[] tokens, StepNormalizer step, String owner) {
        double[] c = new double[tokens.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = switch (mode) {
                case TOKEN_MEAN -> 1.0 / step.tokens();
                case SEQ_MEAN_TOKEN_MEAN -> 1.0 / (step.sequences() * Math.max(tokens[i], 1.0));
                case SEQ_MEAN_TOKEN_SUM -> 1.0 / step.sequences();
                case SEQ_MEAN_TOKEN_SUM_NORM -> {
                    if (tokens[i] > maxCompletionLength) {
                        throw new IllegalArgumentException("objective '" + owner + "': sequence " + i + " has "
                                + (long) tokens[i] + " completion tokens, more than 'max_completion_length' = "
                                + maxCompletionLength);
                    }
                    yield 1.0 / (step.sequences() * maxCompletionLength);
                }
            };
        }
        return c;
    }
}
