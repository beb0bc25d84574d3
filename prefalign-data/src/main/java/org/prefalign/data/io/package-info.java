/**
 * JSONL datasets: {@link org.prefalign.data.io.JsonlReader} streams records of a
 * {@link org.prefalign.data.io.JsonlFormat} (TRL's standard and conversational formats, implicit
 * prompts, UltraFeedback-style rankings; gzip transparently), with malformed lines handled by an
 * {@link org.prefalign.data.io.OnBadRecord} policy; {@link org.prefalign.data.io.JsonlWriter}
 * writes them back atomically.
 */
package org.prefalign.data.io;
