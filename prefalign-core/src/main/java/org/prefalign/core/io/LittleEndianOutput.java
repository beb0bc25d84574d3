package org.prefalign.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian primitive writes to a stream, counting the bytes written (GGUF and safetensors
 * are little-endian; {@link java.io.DataOutputStream} is big-endian).
 */
public final class LittleEndianOutput {

    private final OutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    public LittleEndianOutput(OutputStream out) {
        this.out = out;
    }

    /** Bytes written so far. */
    public long written() {
        return written;
    }

    private void flushScratch() throws IOException {
        out.write(scratch.array(), 0, scratch.position());
        written += scratch.position();
        scratch.clear();
    }

    public void u8(int v) throws IOException {
        out.write(v);
        written++;
    }

    public void i16(short v) throws IOException {
        scratch.putShort(v);
        flushScratch();
    }

    public void i32(int v) throws IOException {
        scratch.putInt(v);
        flushScratch();
    }

    public void i64(long v) throws IOException {
        scratch.putLong(v);
        flushScratch();
    }

    public void f32(float v) throws IOException {
        scratch.putFloat(v);
        flushScratch();
    }

    public void f64(double v) throws IOException {
        scratch.putDouble(v);
        flushScratch();
    }

    public void bytes(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    /** Writes {@code values} as consecutive float32s. */
    public void f32s(float[] values) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(4 * Math.min(values.length, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += chunk.capacity() / 4) {
            int n = Math.min(chunk.capacity() / 4, values.length - start);
            chunk.clear();
            chunk.asFloatBuffer().put(values, start, n);
            out.write(chunk.array(), 0, 4 * n);
            written += 4L * n;
        }
    }

    /** Writes zero bytes until {@link #written()} is a multiple of {@code alignment}. */
    public void padTo(int alignment) throws IOException {
        while (written % alignment != 0) {
            u8(0);
        }
    }
}
