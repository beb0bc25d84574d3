/**
 * Where samples come from. {@link org.prefalign.data.source.OffPolicySource} reads files over
 * epochs, shuffled by a seed, with a {@link org.prefalign.data.source.SourcePosition} to resume
 * from a checkpoint. {@link org.prefalign.data.source.OnPolicySource} has the current policy
 * sample n completions per {@link org.prefalign.data.source.Prompt}, seeded per prompt, and
 * returns {@link org.prefalign.data.source.SampledGroup}s of
 * {@link org.prefalign.data.source.Sample}s (token ids, text, sampler log-probs, finish reason).
 */
package org.prefalign.data.source;
