package org.prefalign.feedback.judge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.prefalign.data.record.Message;

/**
 * Calls an OpenAI-compatible {@code POST /chat/completions} endpoint with retries (see
 * {@link RetryPolicy}), a per-request timeout, and at most {@code concurrency} requests in flight
 * across all threads (a semaphore held only while a request is on the wire, not while backing off).
 *
 * <p>Thread-safe. The API key is sent as a bearer token and redacted from every message and log
 * line this class writes.
 */
public final class ChatClient {

    private static final System.Logger LOG = System.getLogger(ChatClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 200;

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** A parsed verdict and the reply text it was read from. */
    public record Reply<T>(T verdict, String output) {
    }

    /** Reads a verdict from a reply's text. */
    @FunctionalInterface
    public interface VerdictParser<T> {
        /** @throws UnparseableVerdictException when {@code output} holds no verdict */
        T parse(String output);
    }

    /** One try's outcome: the reply content, or why there is none. */
    private record Attempt(String content, String failure, boolean retryable, Optional<Duration> retryAfter) {
        static Attempt ok(String content) {
            return new Attempt(content, null, false, Optional.empty());
        }

        static Attempt failed(String failure, boolean retryable, Optional<Duration> retryAfter) {
            return new Attempt(null, failure, retryable, retryAfter);
        }
    }

    private final JudgeEndpoint endpoint;
    private final RetryPolicy retry;
    private final Semaphore permits;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Random random;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong unparseable = new AtomicLong();

    /**
     * @param endpoint    where and how to call
     * @param retry       when to try again
     * @param concurrency the most requests in flight at once, ≥ 1
     */
    public ChatClient(JudgeEndpoint endpoint, RetryPolicy retry, int concurrency) {
        this(endpoint, retry, concurrency, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000), new Random());
    }

    ChatClient(JudgeEndpoint endpoint, RetryPolicy retry, int concurrency, Sleeper sleeper, Random random) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.retry = Objects.requireNonNull(retry, "retry");
        if (concurrency < 1) {
            throw new IllegalArgumentException("judge: 'concurrency' must be >= 1, got " + concurrency);
        }
        this.permits = new Semaphore(concurrency, true);
        this.sleeper = sleeper;
        this.random = random;
        this.http = HttpClient.newBuilder().connectTimeout(endpoint.timeout()).build();
    }

    /** The endpoint. */
    public JudgeEndpoint endpoint() {
        return endpoint;
    }

    /** HTTP requests sent so far (every attempt counts). */
    public long requests() {
        return requests.get();
    }

    /** Attempts that failed transiently and were retried. */
    public long retries() {
        return retries.get();
    }

    /** Replies whose verdict could not be parsed. */
    public long unparseableReplies() {
        return unparseable.get();
    }

    /**
     * Sends {@code messages} and parses the reply, retrying as {@link RetryPolicy} says.
     *
     * @throws UnparseableVerdictException if no reply within the parse retries held a verdict
     * @throws JudgeException              if the server refused the request or retries ran out
     */
    public <T> Reply<T> complete(List<Message> messages, VerdictParser<T> parser) {
        HttpRequest request = request(body(messages));
        int failures = 0;
        int parseFailures = 0;
        while (true) {
            Attempt a = attempt(request);
            if (a.content() != null) {
                try {
                    return new Reply<>(parser.parse(a.content()), a.content());
                } catch (UnparseableVerdictException e) {
                    unparseable.incrementAndGet();
                    if (++parseFailures > retry.parseRetries()) {
                        throw new UnparseableVerdictException(where() + ": " + redact(e.getMessage()) + " in "
                                + parseFailures + " repl" + (parseFailures > 1 ? "ies" : "y") + "; last reply: \""
                                + excerpt(a.content()) + "\"");
                    }
                    continue; // a sampled reply may be well-formed next time; not a server fault, no backoff
                }
            }
            if (!a.retryable()) {
                throw new JudgeException(where() + ": " + a.failure() + " (not retried)");
            }
            if (++failures >= retry.maxAttempts()) {
                throw new JudgeException(where() + ": no reply after " + failures + " attempt" + (failures > 1 ? "s" : "")
                        + "; last failure: " + a.failure());
            }
            int k = failures;
            Duration wait = retry.delay(k, a.retryAfter(), random);
            retries.incrementAndGet();
            LOG.log(Level.DEBUG, () -> where() + ": " + a.failure() + "; retry " + k + " in " + wait.toMillis() + " ms");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JudgeException(where() + ": interrupted while waiting to retry");
            }
        }
    }

    private Attempt attempt(HttpRequest request) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeException(where() + ": interrupted while waiting for a free connection slot");
        }
        try {
            requests.incrementAndGet();
            CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> response;
            try {
                // The request timeout covers the headers; this bound also covers a body that stalls.
                response = call.get(endpoint.timeout().toMillis() + 50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                return Attempt.failed("timed out after " + endpoint.timeout().toMillis() + " ms", true, Optional.empty());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HttpTimeoutException) {
                    return Attempt.failed("timed out after " + endpoint.timeout().toMillis() + " ms", true, Optional.empty());
                }
                if (cause instanceof IOException) {
                    return Attempt.failed("I/O error " + cause.getClass().getSimpleName() + ": " + redact(cause.getMessage()),
                            true, Optional.empty());
                }
                throw new JudgeException(where() + ": request failed: " + cause.getClass().getSimpleName() + ": "
                        + redact(cause.getMessage()));
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new JudgeException(where() + ": interrupted while waiting for a reply");
            }
            return classify(response);
        } finally {
            permits.release();
        }
    }

    private Attempt classify(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 200) {
            return content(response.body());
        }
        String failure = "HTTP " + status + " " + excerpt(response.body());
        boolean retryable = status == 429 || status == 408 || status >= 500;
        Optional<Duration> after = retryable ? response.headers().firstValue("retry-after").flatMap(ChatClient::retryAfter)
                : Optional.empty();
        return Attempt.failed(failure, retryable, after);
    }

    /** {@code choices[0].message.content} of a chat completion, or a retryable failure for a malformed body. */
    private Attempt content(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Attempt.failed("malformed JSON reply: " + excerpt(body), true, Optional.empty());
        }
        JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            return Attempt.failed("reply without choices[0].message.content: " + excerpt(body), true, Optional.empty());
        }
        return Attempt.ok(content.asText());
    }

    /** Retry-After as delay-seconds (RFC 9110 §10.2.3; fractions tolerated) or an HTTP date. */
    static Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            double seconds = Double.parseDouble(v);
            return seconds >= 0 && Double.isFinite(seconds) ? Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private String body(List<Message> messages) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", endpoint.model());
        ArrayNode list = body.putArray("messages");
        for (Message m : messages) {
            list.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("temperature", endpoint.temperature());
        body.put("max_tokens", endpoint.maxTokens());
        return body.toString();
    }

    private HttpRequest request(String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.chatCompletions())
                .timeout(endpoint.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (endpoint.apiKey().present()) {
            b.header("Authorization", endpoint.apiKey().bearer());
        }
        return b.build();
    }

    private String where() {
        return "judge '" + endpoint.model() + "' at " + endpoint.chatCompletions();
    }

    private String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String t = redact(text).replaceAll("\\s+", " ").strip();
        return t.length() <= EXCERPT ? t : t.substring(0, EXCERPT) + "…";
    }

    private String redact(String text) {
        return endpoint.apiKey().redact(text);
    }

    @Override
    public String toString() {
        return "ChatClient[" + where() + "]";
    }
}
