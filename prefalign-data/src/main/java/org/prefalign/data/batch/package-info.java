/**
 * Batches as objectives and models need them.
 *
 * <p>Tokenized batching: {@link org.prefalign.data.batch.ContentTokenizer} renders chat content
 * with the model's chat template (ChatML when it has none) and tokenizes prompt and completion
 * separately; {@link org.prefalign.data.batch.Truncation} cuts prompts (keeping their start or
 * end), completions and whole sequences, counting what it drops in
 * {@link org.prefalign.data.batch.TruncationStats}; {@link org.prefalign.data.batch.Collator}
 * encodes records ({@link org.prefalign.data.batch.Encoded}) and right-pads them into
 * {@link org.prefalign.data.batch.SequenceBatch}es (model input, completion mask, next-token
 * targets) laid out per signal: {@link org.prefalign.data.batch.PairBatch},
 * {@link org.prefalign.data.batch.UnpairedBatch} (with KTO's mismatched pairs,
 * {@link org.prefalign.data.batch.KtoBatch}), {@link org.prefalign.data.batch.RankingBatch},
 * {@link org.prefalign.data.batch.ScoredBatch} and {@link org.prefalign.data.batch.SftBatch}.
 * {@link org.prefalign.data.batch.LengthBuckets} forms batches of similar lengths, shuffled by a
 * seed; {@link org.prefalign.data.batch.TokenLengths} gives a dataset's token length statistics.
 */
package org.prefalign.data.batch;
