/**
 * Rules and verifiers: deterministic rewards computed from a completion's text — math answer
 * match, regular expressions, required and forbidden words, the DeepSeek-R1 tag format, length and
 * DAPO overlong penalties, JSON validity — and their weighted sums. {@link org.prefalign.feedback.rule.Rules}
 * builds them from JSON; {@link org.prefalign.feedback.rule.RuleFeedback} makes one a feedback provider.
 */
package org.prefalign.feedback.rule;
