package org.prefalign.data.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The rejects of a skip policy written as JSONL, one object per skipped line:
 * {@code {"source", "line", "field" (when one field is at fault), "reason", "raw"}}. Several
 * readers may share one rejects file; {@link #close()} writes it atomically (even when empty, so
 * its presence says the check ran).
 */
public final class RejectsFile implements Consumer<Reject>, Closeable {

    private final Path path;
    private final AtomicOutput out;
    private long count;
    private boolean closed;

    private RejectsFile(Path path) throws IOException {
        this.path = path;
        this.out = new AtomicOutput(path);
    }

    /** A rejects file that will be written at {@code path}. */
    public static RejectsFile create(Path path) throws IOException {
        return new RejectsFile(path);
    }

    @Override
    public void accept(Reject r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("source", r.source());
        o.put("line", r.line());
        if (r.field() != null) {
            o.put("field", r.field());
        }
        o.put("reason", r.reason());
        o.put("raw", r.raw());
        try {
            out.stream().write(Json.MAPPER.writeValueAsBytes(o));
            out.stream().write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejects file " + path, e);
        }
        count++;
    }

    /** Rejects written so far. */
    public long count() {
        return count;
    }

    /** Where the rejects go. */
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.commit();
        }
    }
}
