package org.prefalign.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.PreferencePair;

/**
 * The reader streams: it is fed by a generator that makes records only when asked for bytes, and
 * it never asks for more than one read buffer beyond the record it has just returned. A reader
 * that slurped the file, or held many records, would pull the generator far ahead.
 */
class StreamingTest {

    /** Generates {@code n} distinct preference lines on demand and remembers how many bytes it gave out. */
    static final class Generator extends InputStream {
        private final long n;
        private long next;
        private byte[] line = new byte[0];
        private int pos;
        long produced;

        Generator(long n) {
            this.n = n;
        }

        static byte[] record(long i) {
            return ("{\"prompt\": \"question " + i + "\", \"chosen\": \" good answer " + i
                    + " with some padding to make the line longer than a few bytes\", \"rejected\": \" bad " + i
                    + "\"}\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == line.length) {
                if (next == n) {
                    return -1;
                }
                line = record(next++);
                pos = 0;
            }
            int k = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, k);
            pos += k;
            produced += k;
            return k;
        }
    }

    @Test
    void aLargeInputIsReadWithTheGeneratorNeverMoreThanOneBufferAhead() throws IOException {
        long n = 150_000; // about 23 MB of JSONL, never held anywhere
        Generator g = new Generator(n);
        long consumed = 0;
        long maxAhead = 0;
        long count = 0;
        try (JsonlReader<PreferencePair> r = JsonlReader.open(g, "generated.jsonl", JsonlFormat.PREFERENCE,
                OnBadRecord.fail())) {
            while (r.hasNext()) {
                PreferencePair p = r.next();
                assertEquals("question " + count, p.prompt().asText());
                assertEquals(consumed, r.lastOffset());
                consumed += Generator.record(count).length;
                maxAhead = Math.max(maxAhead, g.produced - consumed);
                count++;
            }
            assertEquals(n, count);
            assertEquals(new ReadSummary("generated.jsonl", n, n, 0, 0), r.summary());
        }
        assertTrue(g.produced > 20_000_000L, "the input is large: " + g.produced);
        // hasNext() reads the next line too, so the reader may hold one buffer plus one line.
        assertTrue(maxAhead <= LineReader.BUFFER_BYTES + Generator.record(n).length,
                "reader ran " + maxAhead + " bytes ahead of the records it returned");
    }
}
