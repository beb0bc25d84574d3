/**
 * The examples prefalign trains on, one record per signal kind: {@link org.prefalign.data.record.PreferencePair},
 * {@link org.prefalign.data.record.Ranking}, {@link org.prefalign.data.record.LabelledCompletion} and
 * {@link org.prefalign.data.record.ScoredCompletion}, all {@link org.prefalign.data.record.Example}s.
 * Prompts and completions are {@link org.prefalign.data.record.Content}: plain text or chat
 * {@link org.prefalign.data.record.Message}s. Every constructor validates and names the bad field.
 */
package org.prefalign.data.record;
