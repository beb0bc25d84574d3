/**
 * Reward-model feedback: {@link org.prefalign.feedback.reward.RewardCheckpoint} reads a Llama-family
 * decoder with a score head in Hugging Face's sequence-classification layout,
 * {@link org.prefalign.feedback.reward.RewardModel} scores (prompt, completion) sequences in
 * batches at their last token, and {@link org.prefalign.feedback.reward.RewardModelFeedback}
 * (type {@code reward_model}, registered by {@link org.prefalign.feedback.reward.RewardCatalog})
 * gives rewards from one model or an {@link org.prefalign.feedback.reward.Ensemble} (mean or min).
 * Training a reward model is an algorithm (Bradley–Terry, in prefalign-algorithms); this package
 * only loads and scores.
 */
package org.prefalign.feedback.reward;
