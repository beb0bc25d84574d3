package org.prefalign.core.io.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prefalign.core.io.LittleEndianOutput;

/** Hand-assembled little-endian bytes, for GGUF headers the writer would refuse to produce. */
final class RawBytes {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final LittleEndianOutput out = new LittleEndianOutput(bytes);

    static RawBytes gguf(int version, long tensorCount, long kvCount) {
        return new RawBytes().ascii("GGUF").u32(version).u64(tensorCount).u64(kvCount);
    }

    RawBytes ascii(String s) {
        return run(() -> out.bytes(s.getBytes(StandardCharsets.US_ASCII)));
    }

    RawBytes u8(int v) {
        return run(() -> out.u8(v));
    }

    RawBytes u16(int v) {
        return run(() -> out.i16((short) v));
    }

    RawBytes u32(long v) {
        return run(() -> out.i32((int) v));
    }

    RawBytes u64(long v) {
        return run(() -> out.i64(v));
    }

    RawBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).run(() -> out.bytes(b));
    }

    RawBytes bytes(byte[] b) {
        return run(() -> out.bytes(b));
    }

    /** A metadata key and its type id; the caller writes the value. */
    RawBytes key(String key, GgufValueType type) {
        return str(key).u32(type.id());
    }

    /** A tensor info. */
    RawBytes tensor(String name, GgmlType type, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type.id()).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    RawBytes pad(int alignment) {
        return run(() -> out.padTo(alignment));
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private RawBytes run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
