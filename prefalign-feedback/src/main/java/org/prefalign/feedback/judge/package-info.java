/**
 * LLM judges over an OpenAI-compatible {@code /chat/completions} API: {@link org.prefalign.feedback.judge.PairwiseJudge}
 * (both orders, disagreement is a tie) and {@link org.prefalign.feedback.judge.PointwiseJudge} (1–10 ratings), with
 * retries and backoff ({@link org.prefalign.feedback.judge.RetryPolicy}), a concurrency limit and per-request timeout
 * ({@link org.prefalign.feedback.judge.ChatClient}), and a crash-safe verdict cache
 * ({@link org.prefalign.feedback.judge.VerdictCache}). The API key comes from an environment variable
 * ({@link org.prefalign.feedback.judge.ApiKey}) and never appears in messages or logs.
 */
package org.prefalign.feedback.judge;
