package org.prefalign.data.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Splits a byte stream into lines without decoding it, so that a line of invalid UTF-8 is one bad
 * line (skippable) rather than a broken stream, and every line knows its byte offset. Holds one
 * fixed buffer plus the current line: memory does not grow with the file.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped, and so is a UTF-8 byte-order
 * mark at the start of the stream. A final {@code \n} does not start an empty last line.
 */
final class LineReader implements Closeable {

    /** Bytes read from the stream at a time; also the most it reads ahead of the current line. */
    static final int BUFFER_BYTES = 64 * 1024;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One line: its 1-based number, the byte offset of its first byte, its bytes without the line end. */
    record Line(long number, long offset, byte[] bytes, boolean tooLong) {
    }

    private final InputStream in;
    private final String source;
    private final int maxLineBytes;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int lim;
    private boolean eof;
    private long offset;
    private long number;
    private byte[] line = new byte[1024];

    LineReader(InputStream in, String source, int maxLineBytes) {
        this.in = in;
        this.source = source;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        long start = offset;
        int len = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == lim && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int end = pos;
            while (end < lim && buf[end] != '\n') {
                end++;
            }
            int n = end - pos;
            if (!tooLong && (long) len + n > maxLineBytes) {
                tooLong = true;
            }
            if (!tooLong) {
                if (len + n > line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(len + n, 2 * line.length)));
                }
                System.arraycopy(buf, pos, line, len, n);
                len += n;
            }
            boolean newline = end < lim;
            offset += n + (newline ? 1 : 0);
            pos = end + (newline ? 1 : 0);
            if (newline) {
                break;
            }
        }
        number++;
        int from = 0;
        if (number == 1 && len >= 3 && Arrays.equals(line, 0, 3, BOM, 0, 3)) {
            from = 3;
        }
        if (len > from && line[len - 1] == '\r') {
            len--;
        }
        return new Line(number, start, Arrays.copyOfRange(line, from, Math.max(from, len)), tooLong);
    }

    /** Number of the last line returned (0 before the first). */
    long lineNumber() {
        return number;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        try {
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
        } catch (EOFException | ZipException e) {
            // Only a gzip stream throws these: the compressed file ends early or is damaged.
            throw new MalformedDataException(source, number + 1, null,
                    "gzip data is truncated or corrupt" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                            + "; lines after " + number + " are lost");
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
