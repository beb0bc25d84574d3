package org.prefalign.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams one tensor's bytes from a model file in chunks of about a megabyte, so converting a
 * tensor to floats never holds more than the float array plus one chunk.
 */
public final class TensorBytes {

    /** Receives consecutive little-endian chunks of a tensor's bytes. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(ByteBuffer chunk);
    }

    private static final int CHUNK = 1 << 20;

    private TensorBytes() {
    }

    /**
     * Reads bytes {@code [position, position + length)} of {@code path} and hands them to
     * {@code consumer} in chunks whose sizes are multiples of {@code granularity} (a value or a
     * quantisation block never straddles two chunks).
     *
     * @param field names the tensor in the error if the file turns out shorter than expected
     */
    public static void read(Path path, String field, long position, long length, int granularity, ChunkConsumer consumer)
            throws IOException {
        int capacity = (int) Math.min(length, Math.max(granularity, CHUNK / granularity * granularity));
        ByteBuffer chunk = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        long end = position + length;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (position < end) {
                chunk.clear().limit((int) Math.min(capacity, end - position));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, position + chunk.position()) < 0) {
                        throw new ModelFileException(path, field, position + chunk.position(),
                                "file ended inside the tensor's data (was it truncated after being opened?)");
                    }
                }
                chunk.flip();
                position += chunk.limit();
                consumer.accept(chunk);
            }
        }
    }
}
