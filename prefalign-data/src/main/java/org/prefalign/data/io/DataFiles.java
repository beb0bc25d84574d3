package org.prefalign.data.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opening data files: gzip is recognised by its magic bytes, whatever the file is called. */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * The bytes of {@code file}, decompressed when it is gzip.
     *
     * @throws MalformedDataException if the file starts like gzip but its header is damaged
     */
    public static InputStream open(Path file) throws IOException {
        PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file), 2);
        try {
            byte[] magic = in.readNBytes(2);
            in.unread(magic);
            return isGzipMagic(magic) ? new GZIPInputStream(in, LineReader.BUFFER_BYTES) : in;
        } catch (EOFException | ZipException e) {
            in.close();
            throw new MalformedDataException(file.toString(), 0, null,
                    "gzip header is truncated or corrupt" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** True when {@code file} starts with the gzip magic bytes (and so has no byte offsets to seek to). */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return isGzipMagic(in.readNBytes(2));
        }
    }

    /** True when a file of this name is written compressed: the name ends with {@code .gz}. */
    static boolean writesGzip(Path file) {
        return file.getFileName().toString().endsWith(".gz");
    }

    private static boolean isGzipMagic(byte[] magic) {
        return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    }
}
