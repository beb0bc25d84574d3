package org.prefalign.feedback.judge;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An OpenAI-compatible chat completions endpoint and the sampling settings of judge calls.
 *
 * @param baseUrl     the API base, as OpenAI's clients take it ({@code https://api.openai.com/v1});
 *                    requests go to {@code baseUrl + "/chat/completions"}
 * @param model       the judge model name
 * @param apiKey      the key, or {@link ApiKey#none()}
 * @param timeout     per-request timeout (connect to last byte), &gt; 0
 * @param temperature sampling temperature in [0, 2]; 0 makes verdicts as repeatable as the server allows
 * @param maxTokens   the reply's token limit, ≥ 1
 */
public record JudgeEndpoint(URI baseUrl, String model, ApiKey apiKey, Duration timeout, double temperature, int maxTokens) {

    public JudgeEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey (use ApiKey.none() for none)");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = baseUrl.getScheme();
        if (!baseUrl.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null
                || baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
            throw new IllegalArgumentException("judge: 'base_url' must be an http(s) URL without query or fragment, "
                    + "e.g. https://api.openai.com/v1, got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("judge: 'model' must be a model name, got " + model);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("judge: 'timeout_s' must be > 0, got " + timeout);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("judge: 'temperature' must be in [0, 2], got " + temperature);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("judge: 'max_tokens' must be >= 1, got " + maxTokens);
        }
    }

    /** The chat completions URL. */
    public URI chatCompletions() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions");
    }
}
