package org.prefalign.data.io;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a reader does with a malformed line. {@link #fail()} (the default) stops at the first one
 * with a {@link MalformedDataException}; {@link #skip} passes each one, with its line number,
 * reason and text, to a sink (usually a {@link RejectsFile}) and reads on; the reader's
 * {@link ReadSummary} counts them. Nothing is dropped without a count.
 *
 * <p>Some problems end the read under either policy, because what follows cannot be trusted or
 * found: truncated or corrupt gzip data, and I/O errors.
 */
public final class OnBadRecord {

    private static final OnBadRecord FAIL = new OnBadRecord(null);

    private final Consumer<Reject> sink;

    private OnBadRecord(Consumer<Reject> sink) {
        this.sink = sink;
    }

    /** Stop at the first malformed line. */
    public static OnBadRecord fail() {
        return FAIL;
    }

    /** Skip malformed lines, handing each to {@code sink}. */
    public static OnBadRecord skip(Consumer<Reject> sink) {
        return new OnBadRecord(Objects.requireNonNull(sink, "sink"));
    }

    /** True for a skip policy. */
    public boolean skips() {
        return sink != null;
    }

    /** Throws under the fail policy; hands the reject to the sink under the skip policy. */
    void handle(MalformedDataException problem, String raw) {
        if (sink == null) {
            throw problem;
        }
        sink.accept(new Reject(problem.source(), problem.line(), problem.field(), problem.reason(), raw));
    }
}
