/**
 * Where samples come from. {@link org.prefalign.data.source.OffPolicySource} reads files over
 * epochs, shuffled by a seed, with a {@link org.prefalign.data.source.SourcePosition} to resume
 * from a checkpoint. The on-policy source (prompts → the current policy samples completions)
 * needs the model and comes with it.
 */
package org.prefalign.data.source;
