package org.prefalign.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or checkpoint file (GGUF, safetensors, {@code config.json}) that is malformed, truncated,
 * hostile or of a kind this library does not read.
 *
 * <p>The message always names the file and the field, and the byte offset where one applies, so
 * a user can find the fault with a hex dump: {@code "model.gguf: metadata[3] key: string length
 * 4294967296 at byte 1234 exceeds the 880 bytes left in the file"}.
 */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;
    private final long offset;

    /**
     * @param file    the file being read or written
     * @param field   the field at fault (e.g. {@code "metadata[3] key"}, {@code "tensor 'output.weight' offset"})
     * @param offset  the byte offset of the field in the file, or -1 where no single offset applies
     * @param problem what is wrong, with the accepted range
     */
    public ModelFileException(Path file, String field, long offset, String problem) {
        super(file + ": " + field + (offset >= 0 ? " at byte " + offset : "") + ": " + problem);
        this.file = file;
        this.field = field;
        this.offset = offset;
    }

    /** Same as {@link #ModelFileException(Path, String, long, String)} with an underlying cause. */
    public ModelFileException(Path file, String field, long offset, String problem, Throwable cause) {
        this(file, field, offset, problem);
        initCause(cause);
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The field at fault. */
    public String field() {
        return field;
    }

    /** The byte offset of the field, or -1 where no single offset applies. */
    public long offset() {
        return offset;
    }
}
