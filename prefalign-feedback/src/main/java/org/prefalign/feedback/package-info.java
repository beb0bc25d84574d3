/**
 * Feedback: who says what is better. A {@link org.prefalign.feedback.Feedback} provider takes a
 * {@link org.prefalign.feedback.Query} (a prompt and its completions) and returns a
 * {@link org.prefalign.feedback.Signal}: rewards, a preference, ranks or labels, each convertible
 * to prefalign-data's records. {@link org.prefalign.feedback.Feedbacks} builds providers from JSON by
 * type name: rules and verifiers (package {@code rule}: {@code math_answer}, {@code regex}, {@code weighted}, ...),
 * reward models ({@code reward_model}), LLM judges ({@code judge_pairwise}, {@code judge_pointwise}) and
 * human labels ({@code human_labels}); {@code Feedbacks.types()} lists them all.
 */
package org.prefalign.feedback;
