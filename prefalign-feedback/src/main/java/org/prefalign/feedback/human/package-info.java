/**
 * Human labels: pairwise annotation files ({@link org.prefalign.feedback.human.Annotations}),
 * agreement between annotators ({@link org.prefalign.feedback.human.Agreement}: percent agreement,
 * Cohen's κ, Fleiss' κ, Krippendorff's α), majority-vote pairs
 * ({@link org.prefalign.feedback.human.MajorityVote}) and the labels as feedback
 * ({@link org.prefalign.feedback.human.HumanLabels}).
 */
package org.prefalign.feedback.human;
