/**
 * Feedback: who says what is better. A {@link org.prefalign.feedback.Feedback} provider takes a
 * {@link org.prefalign.feedback.Query} (a prompt and its completions) and returns a
 * {@link org.prefalign.feedback.Signal}: rewards, a preference, ranks or labels, each convertible
 * to prefalign-data's records. {@link org.prefalign.feedback.Feedbacks} builds providers from JSON by
 * type name: rules and verifiers ({@code rule}), LLM judges ({@code judge}), human labels ({@code human}).
 */
package org.prefalign.feedback;
