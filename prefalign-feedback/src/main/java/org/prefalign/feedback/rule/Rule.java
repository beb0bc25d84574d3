package org.prefalign.feedback.rule;

/**
 * A rule or verifier: a pure, deterministic reward of one completion, computed from its text (and
 * the prompt and reference answer). Rules are the rewards of RL with verifiable rewards (RLVR,
 * Lambert et al. 2024, arXiv:2411.15124; DeepSeek-R1, DeepSeek-AI 2025, arXiv:2501.12948) and
 * combine linearly with {@link WeightedSum}.
 */
@FunctionalInterface
public interface Rule {

    /** The reward of {@code completion}; always finite. */
    double score(Completion completion);
}
