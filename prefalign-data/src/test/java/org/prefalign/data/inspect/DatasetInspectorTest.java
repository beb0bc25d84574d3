package org.prefalign.data.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.file;
import static org.prefalign.data.Fixtures.gzip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.data.io.JsonlFormat;
import org.prefalign.data.io.ReadSummary;
import org.prefalign.data.io.Reject;

class DatasetInspectorTest {

    @TempDir
    Path dir;

    private static void assertStats(long count, double min, double mean, double max, Stats s) {
        assertEquals(count, s.count());
        assertEquals(min, s.min());
        assertEquals(mean, s.mean(), 1e-12);
        assertEquals(max, s.max());
    }

    @Test
    void standardPairs() throws IOException {
        List<Reject> problems = new ArrayList<>();
        Inspection i = DatasetInspector.inspect(file("pairs-standard.jsonl"), null, problems::add);
        assertEquals(JsonlFormat.PREFERENCE, i.format());
        assertFalse(i.hasErrors());
        assertTrue(problems.isEmpty());
        assertEquals(Map.of("text", 3L, "ties", 1L), i.counts());
        // Prompts "The sky is", "2 + 2 =", "Pick a colour:": 10, 7, 14 characters.
        assertStats(3, 7, 31.0 / 3, 14, i.characters().get("prompt"));
        assertStats(3, 2, (6 + 2 + 4) / 3.0, 6, i.characters().get("chosen"));
        assertStats(1, 1.5, 1.5, 1.5, i.values().get("margin"));
        assertTrue(i.messages().isEmpty());
    }

    @Test
    void chatRecordsCountMessages() throws IOException {
        Inspection i = DatasetInspector.inspect(file("pairs-conversational.jsonl"), null, r -> { });
        assertEquals(Map.of("chat", 2L), i.counts());
        assertStats(2, 1, 1.5, 2, i.messages().get("prompt"));
        assertStats(2, 1, 1, 1, i.messages().get("chosen"));
        // "Be brief." + "Capital of France?" = 9 + 18 characters.
        assertStats(2, 22, 24.5, 27, i.characters().get("prompt"));
    }

    @Test
    void rankingsUnpairedAndScored() throws IOException {
        Inspection r = DatasetInspector.inspect(file("ranking-ultrafeedback.jsonl"), null, x -> { });
        assertStats(2, 2, 2.5, 3, r.values().get("completions"));
        assertStats(5, 1, (2.5 + 8 + 2.5 + 1 + 3) / 5, 8, r.values().get("score"));
        assertStats(5, 1, (1 + 1 + 1 + 2 + 5) / 5.0, 5, r.characters().get("completions"));
        Inspection u = DatasetInspector.inspect(file("unpaired-standard.jsonl"), JsonlFormat.UNPAIRED, x -> { });
        assertEquals(Map.of("text", 2L, "desirable", 1L, "undesirable", 1L), u.counts());
        Inspection s = DatasetInspector.inspect(file("scored.jsonl"), null, x -> { });
        assertStats(3, -0.5, 0.75 / 3, 1, s.values().get("reward"));
    }

    @Test
    void everyProblemIsReportedWithItsLine() throws IOException {
        List<Reject> problems = new ArrayList<>();
        Inspection i = DatasetInspector.inspect(file("pairs-malformed.jsonl"), null, problems::add);
        assertTrue(i.hasErrors());
        assertNull(i.fatal());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), problems.stream().map(Reject::line).toList());
        assertEquals(new ReadSummary(file("pairs-malformed.jsonl").toString(), 10, 2, 8, 0), i.summary());
        assertEquals(2, i.characters().get("prompt").count());
    }

    @Test
    void anUndetectableOrTruncatedFileIsFatal() throws IOException {
        Path lm = dir.resolve("lm.jsonl");
        Files.writeString(lm, "{\"text\": \"just text\"}\n");
        Inspection i = DatasetInspector.inspect(lm, null, x -> { });
        assertTrue(i.hasErrors());
        assertNull(i.format());
        assertTrue(i.fatal().startsWith(lm + ": cannot tell the data format"), i.fatal());

        byte[] gz = gzip(Files.readAllBytes(file("scored.jsonl")));
        Path cut = dir.resolve("cut.jsonl.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length - 10));
        Inspection t = DatasetInspector.inspect(cut, JsonlFormat.SCORED, x -> { });
        assertTrue(t.hasErrors());
        assertTrue(t.fatal().contains("gzip data is truncated or corrupt"), t.fatal());
    }
}
