package org.prefalign.core.io.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.prefalign.core.io.ModelFileException;

/**
 * Little-endian reads from the start of a file, each bounded by the file's size: a read that
 * would run past the end fails with the field's name and offset instead of an
 * {@code EOFException}, and {@link #requireCount} rejects element counts that the rest of the
 * file cannot hold before anything is allocated for them.
 */
final class HeaderInput {

    private static final int CHUNK = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN).limit(0);
    /** File offset of buffer index 0. */
    private long bufferStart;

    HeaderInput(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    long position() {
        return bufferStart + buffer.position();
    }

    long remaining() {
        return size - position();
    }

    ModelFileException error(String field, long offset, String problem) {
        return new ModelFileException(path, field, offset, problem);
    }

    /**
     * Checks that {@code count} items of at least {@code minBytes} bytes each fit in the rest of
     * the file, so that a hostile count fails here rather than in an allocation.
     */
    void requireCount(long count, int minBytes, String field, long offset) throws ModelFileException {
        if (count < 0) {
            throw error(field, offset, "count " + Long.toUnsignedString(count) + " is beyond 2^63");
        }
        if (count > remaining() / minBytes) {
            throw error(field, offset, "count " + count + " needs at least " + minBytes + " bytes each, but only "
                    + remaining() + " bytes are left in the file");
        }
    }

    private void fill(int n, String field) throws IOException {
        if (buffer.remaining() >= n) {
            return;
        }
        if (remaining() < n) {
            throw error(field, position(), "file is truncated: needs " + n + " bytes, " + remaining()
                    + " left of " + size);
        }
        bufferStart += buffer.position();
        buffer.compact();
        while (buffer.position() < n) {
            int read = channel.read(buffer, bufferStart + buffer.position());
            if (read < 0) {
                buffer.flip();
                throw error(field, position(), "file ended while reading (was it truncated during the read?)");
            }
        }
        buffer.flip();
    }

    int u8(String field) throws IOException {
        fill(1, field);
        return buffer.get() & 0xff;
    }

    short i16(String field) throws IOException {
        fill(2, field);
        return buffer.getShort();
    }

    int i32(String field) throws IOException {
        fill(4, field);
        return buffer.getInt();
    }

    long u32(String field) throws IOException {
        return i32(field) & 0xffffffffL;
    }

    long i64(String field) throws IOException {
        fill(8, field);
        return buffer.getLong();
    }

    float f32(String field) throws IOException {
        fill(4, field);
        return buffer.getFloat();
    }

    double f64(String field) throws IOException {
        fill(8, field);
        return buffer.getDouble();
    }

    /** A GGUF string: uint64 byte length, then UTF-8 bytes (malformed sequences become U+FFFD). */
    String string(String field) throws IOException {
        long at = position();
        long length = i64(field + " length");
        if (length < 0 || length > remaining()) {
            throw error(field + " length", at, "string length " + Long.toUnsignedString(length) + " exceeds the "
                    + remaining() + " bytes left in the file");
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw error(field + " length", at, "string length " + length + " exceeds 2^31 - 16 bytes");
        }
        byte[] bytes = new byte[(int) length];
        int done = 0;
        while (done < bytes.length) {
            fill(1, field);
            int n = Math.min(buffer.remaining(), bytes.length - done);
            buffer.get(bytes, done, n);
            done += n;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
