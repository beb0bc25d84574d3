package org.prefalign.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.ScoredCompletion;

class LineReaderTest {

    private static LineReader lines(String s, int max) {
        return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "mem", max);
    }

    @Test
    void linesKnowTheirNumberAndByteOffset() throws IOException {
        try (LineReader r = lines("ab\r\n\nxyz", 100)) {
            LineReader.Line a = r.next();
            assertEquals(1, a.number());
            assertEquals(0, a.offset());
            assertArrayEquals("ab".getBytes(StandardCharsets.UTF_8), a.bytes());
            LineReader.Line empty = r.next();
            assertEquals(4, empty.offset());
            assertEquals(0, empty.bytes().length);
            LineReader.Line last = r.next();
            assertEquals(3, last.number());
            assertEquals(5, last.offset());
            assertArrayEquals("xyz".getBytes(StandardCharsets.UTF_8), last.bytes());
            assertNull(r.next());
        }
        try (LineReader r = lines("a\n", 100)) {
            r.next();
            assertNull(r.next(), "a final newline does not start an empty line");
        }
    }

    @Test
    void aTooLongLineIsFlaggedAndTheNextLineIsIntact() throws IOException {
        try (LineReader r = lines("0123456789\nok\n", 4)) {
            LineReader.Line big = r.next();
            assertTrue(big.tooLong());
            LineReader.Line ok = r.next();
            assertFalse(ok.tooLong());
            assertEquals(11, ok.offset());
            assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), ok.bytes());
        }
    }

    @Test
    void theReaderSkipsATooLongLineUnderTheSkipPolicy() throws IOException {
        String good = "{\"prompt\": \"p\", \"completion\": \"c\", \"reward\": 1}\n";
        String big = "{\"prompt\": \"" + "x".repeat(200) + "\", \"completion\": \"c\", \"reward\": 1}\n";
        List<Reject> rejects = new ArrayList<>();
        try (JsonlReader<ScoredCompletion> r = new JsonlReader<>(new ByteArrayInputStream(
                (good + big + good).getBytes(StandardCharsets.UTF_8)), "mem.jsonl", JsonlFormat.SCORED,
                OnBadRecord.skip(rejects::add), 100)) {
            r.forEachRemaining(x -> { });
            assertEquals(new ReadSummary("mem.jsonl", 3, 2, 1, 0), r.summary());
        }
        assertEquals("mem.jsonl:2: line is longer than 100 bytes", rejects.get(0).message());
        assertEquals("(not kept: longer than 100 bytes)", rejects.get(0).raw());
    }
}
