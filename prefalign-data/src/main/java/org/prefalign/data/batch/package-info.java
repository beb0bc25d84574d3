/**
 * Batches as objectives need them. {@link org.prefalign.data.batch.KtoBatch} adds KTO's
 * mismatched pairs for the KL term; tokenized batching (chat template, completion masks,
 * truncation, padding, length buckets) needs a tokenizer and comes with the model.
 */
package org.prefalign.data.batch;
