package org.prefalign.feedback.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.Message;
import org.prefalign.feedback.Choice;
import org.prefalign.feedback.judge.FakeJudgeServer.Fault;

class ChatClientTest {

    static final String KEY = "sk-test-0123456789abcdefSECRET";

    private FakeJudgeServer server;
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        server = new FakeJudgeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatClient client(int maxAttempts, int parseRetries, Duration timeout, int concurrency) {
        JudgeEndpoint endpoint = new JudgeEndpoint(URI.create(server.baseUrl()), "judge-model",
                ApiKey.fromEnvironment("TEST_KEY", Map.of("TEST_KEY", KEY)::get), timeout, 0, 64);
        RetryPolicy retry = new RetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(8), parseRetries);
        return new ChatClient(endpoint, retry, concurrency, sleeps::add, new Random(7));
    }

    private ChatClient client() {
        return client(4, 1, Duration.ofSeconds(5), 4);
    }

    private static List<Message> ask(String a, String b) {
        return PromptTemplate.PAIRWISE.render(Map.of("prompt", "Which is better?", "answer_a", a, "answer_b", b));
    }

    @Test
    void survivesEveryTransientFaultOnce() {
        for (Fault f : List.of(Fault.RATE_LIMIT, Fault.ERROR_500, Fault.ERROR_503, Fault.SLOW, Fault.MALFORMED_JSON,
                Fault.NO_CONTENT)) {
            server.script((k, call) -> call == 1 ? f : Fault.NONE).slowMillis(1_000);
            ChatClient c = client(4, 0, Duration.ofMillis(200), 4);
            String a = "answer " + f + " q=9";
            ChatClient.Reply<Choice> reply = c.complete(ask(a, "q=2"), Verdicts::pairwise);
            assertEquals(Choice.A, reply.verdict(), f.toString());
            assertTrue(reply.output().contains("[[A]]"));
            assertEquals(2, c.requests(), f + ": one failed call, one good");
            assertEquals(1, c.retries(), f.toString());
        }
        assertTrue(server.authorizations().stream().allMatch(("Bearer " + KEY)::equals), "the key is sent as a bearer token");
    }

    @Test
    void honoursRetryAfterSeconds() {
        server.script((k, call) -> call <= 2 ? Fault.RATE_LIMIT : Fault.NONE).retryAfter("7");
        ChatClient c = client();
        assertEquals(Choice.B, c.complete(ask("q=1", "q=3"), Verdicts::pairwise).verdict());
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), sleeps);
        assertEquals(Optional.of(Duration.ofMillis(1500)), ChatClient.retryAfter(" 1.5 "));
        assertEquals(Optional.empty(), ChatClient.retryAfter("soon"));
        assertEquals(Optional.empty(), ChatClient.retryAfter("-3"));
        String inAMinute = ZonedDateTime.now().plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = ChatClient.retryAfter(inAMinute).orElseThrow();
        assertTrue(d.compareTo(Duration.ofSeconds(58)) > 0 && d.compareTo(Duration.ofSeconds(61)) <= 0, d.toString());
    }

    @Test
    void backsOffWithFullJitterUnderADoublingCap() {
        server.script((k, call) -> call <= 5 ? Fault.ERROR_500 : Fault.NONE);
        ChatClient c = client(6, 0, Duration.ofSeconds(5), 1);
        c.complete(ask("q=4", "q=3"), Verdicts::pairwise);
        assertEquals(5, sleeps.size());
        // Caps 1, 2, 4, 8, 8 ms (initial 1 ms, max 8 ms); each wait is a uniform draw below its cap,
        // replayed here with the same seed.
        Random replay = new Random(7);
        long[] capsMs = {1, 2, 4, 8, 8};
        for (int k = 0; k < 5; k++) {
            long expected = (long) (replay.nextDouble() * capsMs[k] * 1_000_000L);
            assertEquals(expected, sleeps.get(k).toNanos(), "retry " + (k + 1));
            assertTrue(sleeps.get(k).toNanos() <= capsMs[k] * 1_000_000L);
        }
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
                List.of(1, 2, 3, 4, 5, 6).stream().map(k -> p.cap(k).toMillis()).toList());
        assertEquals(Duration.ofSeconds(1), p.cap(10_000), "no overflow far out");
    }

    @Test
    void givesUpAfterMaxAttempts() {
        server.script((k, call) -> Fault.ERROR_503);
        ChatClient c = client(3, 1, Duration.ofSeconds(5), 2);
        JudgeException e = assertThrows(JudgeException.class, () -> c.complete(ask("a", "b"), Verdicts::pairwise));
        assertTrue(e.getMessage().contains("no reply after 3 attempts; last failure: HTTP 503"), e.getMessage());
        assertEquals(3, server.totalCalls());
        assertEquals(2, sleeps.size());
    }

    @Test
    void timeoutsAreRetriedThenReported() {
        server.script((k, call) -> Fault.SLOW).slowMillis(2_000);
        ChatClient c = client(2, 0, Duration.ofMillis(100), 2);
        JudgeException e = assertThrows(JudgeException.class, () -> c.complete(ask("a", "b"), Verdicts::pairwise));
        assertTrue(e.getMessage().contains("no reply after 2 attempts; last failure: timed out after 100 ms"), e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.script((k, call) -> Fault.ECHO_401);
        ChatClient c = client();
        JudgeException e = assertThrows(JudgeException.class, () -> c.complete(ask("a", "b"), Verdicts::pairwise));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("(not retried)"), e.getMessage());
        assertEquals(1, server.totalCalls());
    }

    @Test
    void unparseableVerdictsAreAskedAgainThenAnError() {
        server.script((k, call) -> call == 1 ? Fault.UNPARSEABLE : Fault.NONE);
        ChatClient once = client(4, 1, Duration.ofSeconds(5), 2);
        assertEquals(Choice.A, once.complete(ask("q=8", "q=1"), Verdicts::pairwise).verdict());
        assertEquals(1, once.unparseableReplies());
        assertTrue(sleeps.isEmpty(), "an unparseable reply is not a server fault: no backoff");

        server.script((k, call) -> Fault.UNPARSEABLE);
        ChatClient c = client(4, 2, Duration.ofSeconds(5), 2);
        UnparseableVerdictException e = assertThrows(UnparseableVerdictException.class,
                () -> c.complete(ask("x", "y"), Verdicts::pairwise));
        assertTrue(e.getMessage().contains("no verdict [[A]], [[B]] or [[C]] in 3 replies"), e.getMessage());
        assertTrue(e.getMessage().contains("I cannot decide"), e.getMessage());
        assertEquals(3, c.requests(), "1 + parse_retries calls");
    }

    @Test
    void concurrencyLimitBoundsRequestsInFlight() throws Exception {
        server.script((k, call) -> Fault.SLOW).slowMillis(40);
        ChatClient c = client(2, 0, Duration.ofSeconds(5), 2);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Choice>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int q = i;
                results.add(pool.submit(() -> c.complete(ask("q=" + (q + 2), "q=1"), Verdicts::pairwise).verdict()));
            }
            for (Future<Choice> f : results) {
                assertEquals(Choice.A, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(server.maxInFlight() <= 2, "at most 2 requests in flight, saw " + server.maxInFlight());
        assertEquals(8, server.totalCalls());
    }

    @Test
    void theKeyNeverAppearsInMessagesOrLogs() throws Exception {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(ChatClient.class)) {
            for (Fault f : List.of(Fault.ECHO_401, Fault.ECHO_500, Fault.SLOW, Fault.UNPARSEABLE, Fault.MALFORMED_JSON)) {
                server.script((k, call) -> f).slowMillis(1_000);
                ChatClient c = client(2, 0, Duration.ofMillis(100), 2);
                JudgeException e = assertThrows(JudgeException.class, () -> c.complete(ask("a", "b"), Verdicts::pairwise));
                seen.add(LogCapture.everything(e));
                seen.add(c.toString());
                seen.add(c.endpoint().toString());
            }
            // A dead server: connection refused.
            ChatClient dead = client(2, 0, Duration.ofMillis(500), 1);
            server.close();
            JudgeException e = assertThrows(JudgeException.class, () -> dead.complete(ask("a", "b"), Verdicts::pairwise));
            assertTrue(e.getMessage().contains("I/O error"), e.getMessage());
            seen.add(LogCapture.everything(e));
            seen.addAll(logs.lines());
            assertFalse(logs.lines().isEmpty(), "retries are logged at debug level");
        }
        seen.add(ApiKey.fromEnvironment("TEST_KEY", Map.of("TEST_KEY", KEY)::get).toString());
        assertTrue(seen.stream().anyMatch(s -> s.contains("***")), "the echoed key was redacted, not dropped");
        for (String s : seen) {
            assertFalse(s.contains(KEY), "key leaked in: " + s);
            assertFalse(s.contains(KEY.substring(0, 12)), "key prefix leaked in: " + s);
        }
        assertTrue(server.authorizations().contains("Bearer " + KEY));
    }

    @Test
    void missingKeyVariableIsNamedWithoutAValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiKey.fromEnvironment("NO_SUCH_VARIABLE", v -> null));
        assertEquals("judge API key: environment variable NO_SUCH_VARIABLE is not set", e.getMessage());
    }
}
