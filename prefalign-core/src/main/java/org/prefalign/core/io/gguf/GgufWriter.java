package org.prefalign.core.io.gguf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prefalign.core.io.AtomicFiles;
import org.prefalign.core.io.Float16;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.LittleEndianOutput;

/**
 * Builds a GGUF v2 or v3 file (little-endian) from metadata and float tensors, encoding each
 * tensor as F32, F16, BF16 or Q8_0, and writes it atomically. The layout is the one
 * {@link GgufFile} reads: header, tensor infos, each tensor's data at the next multiple of the
 * alignment.
 *
 * <p>Q8_0 quantises as ggml's reference {@code quantize_row_q8_0_ref}: per block of 32 values,
 * d = max|x| / 127, stored as F16, and q = round(x / d) (half away from zero), q = 0 when d = 0.
 */
public final class GgufWriter {

    private record Value(GgufValueType type, Object value) {
    }

    private record Tensor(String name, long[] dims, GgmlType type, float[] values) {
    }

    private final int version;
    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    /** A writer for GGUF {@code version} 2 or 3. */
    public GgufWriter(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("GGUF version must be 2 or 3, got " + version);
        }
        this.version = version;
    }

    /** Sets the data alignment (a power of two) and records it as {@code general.alignment}. */
    public GgufWriter alignment(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a positive power of two, got " + alignment);
        }
        this.alignment = alignment;
        return put("general.alignment", GgufValueType.UINT32, (long) alignment);
    }

    /**
     * Adds metadata {@code key} of {@code type}: a {@code Number} for numeric types (integers must
     * fit the type; a uint64 is given as its long bit pattern), {@code Boolean}, {@code String},
     * or a {@link GgufArray} for {@code ARRAY}. A repeated key replaces the earlier value.
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        check(key, type, value);
        metadata.put(key, new Value(type, value));
        return this;
    }

    /** Adds a string value. */
    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    /** Adds a uint32 value. */
    public GgufWriter putUint32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    /** Adds a float32 value. */
    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    /** Adds an array value of {@code elementType}. */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    private static void check(String key, GgufValueType type, Object value) {
        String what = "metadata '" + key + "'";
        switch (type) {
            case UINT8 -> checkRange(what, value, 0, 0xff);
            case INT8 -> checkRange(what, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16 -> checkRange(what, value, 0, 0xffff);
            case INT16 -> checkRange(what, value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT32 -> checkRange(what, value, 0, 0xffffffffL);
            case INT32 -> checkRange(what, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT64, INT64 -> checkRange(what, value, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32, FLOAT64 -> {
                if (!(value instanceof Number)) {
                    throw new IllegalArgumentException(what + ": " + type + " needs a Number, got " + value);
                }
            }
            case BOOL -> {
                if (!(value instanceof Boolean)) {
                    throw new IllegalArgumentException(what + ": BOOL needs a Boolean, got " + value);
                }
            }
            case STRING -> {
                if (!(value instanceof String)) {
                    throw new IllegalArgumentException(what + ": STRING needs a String, got " + value);
                }
            }
            case ARRAY -> {
                if (!(value instanceof GgufArray array)) {
                    throw new IllegalArgumentException(what + ": ARRAY needs a GgufArray, got " + value);
                }
                for (Object element : array.values()) {
                    check(key + "[]", array.elementType(), element);
                }
            }
        }
    }

    private static void checkRange(String what, Object value, long min, long max) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            throw new IllegalArgumentException(what + ": integer types need a Long/Integer/Short/Byte, got " + value);
        }
        long v = ((Number) value).longValue();
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " = " + v + " is outside [" + min + ", " + max + "]");
        }
    }

    /**
     * Adds a tensor with GGUF {@code dims} (innermost first, {@code [in, out]} for a linear
     * weight) whose row-major {@code values} ({@code [out][in]}) are encoded as {@code type}
     * (F32, F16, BF16 or Q8_0). The array is not copied; do not modify it before {@link #write}.
     */
    public GgufWriter tensor(String name, long[] dims, GgmlType type, float[] values) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16 && type != GgmlType.Q8_0) {
            throw new IllegalArgumentException("tensor '" + name + "': can write F32, F16, BF16 or Q8_0, not " + type);
        }
        if (dims.length < 1 || dims.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "': 1 to 4 dims, got " + dims.length);
        }
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dim " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': dims " + java.util.Arrays.toString(dims) + " hold "
                    + n + " values, got " + values.length);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': innermost dim " + dims[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        for (Tensor t : tensors) {
            if (t.name().equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
        }
        tensors.add(new Tensor(name, dims.clone(), type, values));
        return this;
    }

    /** Writes the file atomically (temporary file in the same directory, then rename). */
    public void write(Path path) throws IOException {
        AtomicFiles.write(path, stream -> {
            LittleEndianOutput out = new LittleEndianOutput(stream);
            out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
            out.i32(version);
            out.i64(tensors.size());
            out.i64(metadata.size());
            for (Map.Entry<String, Value> e : metadata.entrySet()) {
                string(out, e.getKey());
                out.i32(e.getValue().type().id());
                value(out, e.getValue().type(), e.getValue().value());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                string(out, t.name());
                out.i32(t.dims().length);
                for (long d : t.dims()) {
                    out.i64(d);
                }
                out.i32(t.type().id());
                out.i64(offset);
                offset = align(offset + byteSize(t));
            }
            out.padTo(alignment);
            for (Tensor t : tensors) {
                data(out, t);
                out.padTo(alignment);
            }
        });
    }

    private long align(long offset) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static long byteSize(Tensor t) {
        return (long) t.values().length / t.type().blockSize() * t.type().blockBytes();
    }

    private static void string(LittleEndianOutput out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.i64(bytes.length);
        out.bytes(bytes);
    }

    private static void value(LittleEndianOutput out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.u8(((Number) value).intValue() & 0xff);
            case UINT16, INT16 -> out.i16((short) ((Number) value).intValue());
            case UINT32, INT32 -> out.i32((int) ((Number) value).longValue());
            case UINT64, INT64 -> out.i64(((Number) value).longValue());
            case FLOAT32 -> out.f32(((Number) value).floatValue());
            case FLOAT64 -> out.f64(((Number) value).doubleValue());
            case BOOL -> out.u8((Boolean) value ? 1 : 0);
            case STRING -> string(out, (String) value);
            case ARRAY -> {
                GgufArray array = (GgufArray) value;
                out.i32(array.elementType().id());
                out.i64(array.values().size());
                for (Object element : array.values()) {
                    value(out, array.elementType(), element);
                }
            }
        }
    }

    private static void data(LittleEndianOutput out, Tensor t) throws IOException {
        float[] v = t.values();
        switch (t.type()) {
            case F32 -> FloatEncoding.F32.encode(v, out);
            case F16 -> FloatEncoding.F16.encode(v, out);
            case BF16 -> FloatEncoding.BF16.encode(v, out);
            case Q8_0 -> {
                int block = GgmlType.Q8_0.blockSize();
                for (int start = 0; start < v.length; start += block) {
                    float amax = 0;
                    for (int j = 0; j < block; j++) {
                        amax = Math.max(amax, Math.abs(v[start + j]));
                    }
                    float d = amax / 127f;
                    float inverse = d != 0 ? 1f / d : 0f;
                    out.i16(Float16.fromFloat(d));
                    for (int j = 0; j < block; j++) {
                        float scaled = v[start + j] * inverse;
                        out.u8((int) (Math.signum(scaled) * Math.round(Math.abs(scaled))) & 0xff);
                    }
                }
            }
            default -> throw new IllegalStateException("unwritable type " + t.type());
        }
    }
}
