package org.prefalign.core.io.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import org.prefalign.core.io.Float16;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.TensorBytes;

/**
 * A GGUF file (the model format of llama.cpp / ggml): its metadata and tensor directory, read and
 * fully validated at {@link #read}, and its tensors, read on demand as float arrays.
 *
 * <p>Layout (little-endian; spec: ggml's {@code docs/gguf.md}): magic {@code "GGUF"}, uint32
 * version (2 or 3 here; version 1 used 32-bit counts and is rejected), uint64 tensor count,
 * uint64 metadata count, the metadata key/value pairs, the tensor infos (name, dims, type,
 * offset), padding to the alignment ({@code general.alignment}, default 32), then the data
 * section, in which each tensor's offset is relative to the section's start.
 *
 * <p>Hostile files fail fast: every count and length in the header is checked against the bytes
 * left in the file before anything is allocated for it, and tensor data ranges are checked to be
 * aligned, inside the file and non-overlapping. Every error is a {@link ModelFileException} naming
 * the file, the field and its byte offset.
 *
 * <p>Instances are immutable; {@link #tensorAsFloats} re-opens the file for each call.
 */
public final class GgufFile {

    /** The alignment of the data section when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    /** ggml's GGML_MAX_DIMS: tensors have 1 to 4 dimensions. */
    static final int MAX_DIMS = 4;

    /** Nesting limit for arrays of arrays, so a hostile file cannot exhaust the stack. */
    static final int MAX_ARRAY_NESTING = 8;

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int MIN_KV_BYTES = 8 + 4 + 1; // empty key, type, 1-byte value
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8; // empty name, n_dims, 1 dim, type, offset

    private final Path path;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> valueTypes;
    private final Map<String, GgufValueType> elementTypes;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataStart;

    private GgufFile(Path path, int version, Map<String, Object> metadata, Map<String, GgufValueType> valueTypes,
            Map<String, GgufValueType> elementTypes, List<GgufTensorInfo> tensors, int alignment, long dataStart) {
        this.path = path;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.valueTypes = valueTypes;
        this.elementTypes = elementTypes;
        this.tensors = List.copyOf(tensors);
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = Collections.unmodifiableMap(byName);
        this.alignment = alignment;
        this.dataStart = dataStart;
    }

    /**
     * Reads and validates the header of the GGUF file at {@code path}; tensor data is read later
     * by {@link #tensorAsFloats}.
     *
     * @throws ModelFileException if the file is not a valid GGUF v2/v3 file (message names the
     *                            file, the field and its byte offset)
     * @throws IOException        if the file cannot be read
     */
    public static GgufFile read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(new HeaderInput(path, channel));
        }
    }

    private static GgufFile parse(HeaderInput in) throws IOException {
        if (in.size() < 4) {
            throw in.error("magic", 0, "file is truncated: " + in.size() + " bytes, a GGUF file starts with 4 magic bytes 'GGUF'");
        }
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.error("magic", 0, String.format("not a GGUF file: the first bytes are %08x, expected 47475546 ('GGUF')",
                    Integer.reverseBytes(magic)));
        }
        long version = in.u32("version");
        if (version == 1) {
            throw in.error("version", 4, "unsupported version 1 (GGUF v1 used 32-bit counts; re-convert the model): "
                    + "supported versions are 2 and 3");
        }
        if (version != 2 && version != 3) {
            long swapped = Integer.reverseBytes((int) version) & 0xffffffffL;
            throw in.error("version", 4, "unsupported version " + version
                    + (swapped == 2 || swapped == 3 ? " (this is a big-endian GGUF file; only little-endian files are supported)" : "")
                    + ": supported versions are 2 and 3");
        }
        long tensorCount = in.i64("tensor count");
        in.requireCount(tensorCount, MIN_TENSOR_INFO_BYTES, "tensor count", 8);
        long kvCount = in.i64("metadata count");
        in.requireCount(kvCount, MIN_KV_BYTES, "metadata count", 16);

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> valueTypes = new LinkedHashMap<>();
        Map<String, GgufValueType> elementTypes = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String field = "metadata[" + i + "]";
            long keyAt = in.position();
            String key = in.string(field + " key");
            if (metadata.containsKey(key)) {
                throw in.error(field + " key", keyAt, "duplicate metadata key '" + key + "'");
            }
            String valueField = "metadata '" + key + "'";
            GgufValueType type = valueType(in, valueField + " type");
            if (type == GgufValueType.ARRAY) {
                ParsedArray array = readArray(in, valueField, 1);
                metadata.put(key, array.values());
                elementTypes.put(key, array.elementType());
            } else {
                metadata.put(key, readScalar(in, type, valueField));
            }
            valueTypes.put(key, type);
        }

        int alignment = alignment(in, metadata, valueTypes);

        in.requireCount(tensorCount, MIN_TENSOR_INFO_BYTES, "tensor count", 8);
        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        Map<String, Long> seen = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoAt = in.position();
            String name = in.string("tensor[" + i + "] name");
            if (seen.containsKey(name)) {
                throw in.error("tensor[" + i + "] name", infoAt, "duplicate tensor name '" + name + "'");
            }
            seen.put(name, i);
            tensors.add(readTensorInfo(in, name, alignment));
        }
        long headerEnd = in.position();
        long dataStart = (headerEnd + alignment - 1) / alignment * alignment;
        checkDataRanges(in, tensors, dataStart);
        return new GgufFile(in.path(), (int) version, metadata, valueTypes, elementTypes, tensors, alignment, dataStart);
    }

    private static GgufValueType valueType(HeaderInput in, String field) throws IOException {
        long at = in.position();
        long id = in.u32(field);
        return GgufValueType.fromId(id).orElseThrow(() -> in.error(field, at,
                "unknown value type " + id + " (known: 0..12, uint8 to float64)"));
    }

    private static Object readScalar(HeaderInput in, GgufValueType type, String field) throws IOException {
        return switch (type) {
            case UINT8 -> (long) in.u8(field);
            case INT8 -> (long) (byte) in.u8(field);
            case UINT16 -> (long) (in.i16(field) & 0xffff);
            case INT16 -> (long) in.i16(field);
            case UINT32 -> in.u32(field);
            case INT32 -> (long) in.i32(field);
            case UINT64, INT64 -> in.i64(field);
            case FLOAT32 -> (double) in.f32(field);
            case FLOAT64 -> in.f64(field);
            case BOOL -> {
                long at = in.position();
                int b = in.u8(field);
                if (b > 1) {
                    throw in.error(field, at, "bool must be 0 or 1, found " + b);
                }
                yield b == 1;
            }
            case STRING -> in.string(field);
            case ARRAY -> throw new IllegalStateException("arrays are read by readArray");
        };
    }

    private record ParsedArray(GgufValueType elementType, List<?> values) {
    }

    private static ParsedArray readArray(HeaderInput in, String field, int depth) throws IOException {
        long typeAt = in.position();
        if (depth > MAX_ARRAY_NESTING) {
            throw in.error(field, typeAt, "arrays nested deeper than " + MAX_ARRAY_NESTING + " levels");
        }
        GgufValueType elementType = valueType(in, field + " element type");
        long countAt = in.position();
        long count = in.i64(field + " length");
        in.requireCount(count, elementType.minBytes(), field + " length", countAt);
        int n = (int) count; // requireCount bounds it by the file size; arrays past 2^31 elements are rejected below
        if (count != n) {
            throw in.error(field + " length", countAt, "array length " + count + " exceeds 2^31 - 1");
        }
        String elementField = field + " element";
        List<?> values;
        if (elementType.isInteger()) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Long) readScalar(in, elementType, elementField);
            }
            values = new LongList(a);
        } else if (elementType == GgufValueType.FLOAT32 || elementType == GgufValueType.FLOAT64) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Double) readScalar(in, elementType, elementField);
            }
            values = new DoubleList(a);
        } else if (elementType == GgufValueType.ARRAY) {
            List<Object> a = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                a.add(readArray(in, field + "[" + i + "]", depth + 1).values());
            }
            values = Collections.unmodifiableList(a);
        } else {
            Object[] a = new Object[n];
            for (int i = 0; i < n; i++) {
                a[i] = readScalar(in, elementType, elementField);
            }
            values = List.of(a);
        }
        return new ParsedArray(elementType, values);
    }

    private static int alignment(HeaderInput in, Map<String, Object> metadata, Map<String, GgufValueType> types)
            throws ModelFileException {
        Object value = metadata.get("general.alignment");
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (types.get("general.alignment") != GgufValueType.UINT32) {
            throw in.error("metadata 'general.alignment'", -1, "must be a uint32, found " + types.get("general.alignment"));
        }
        long a = (Long) value;
        if (a == 0 || Long.bitCount(a) != 1 || a > (1 << 30)) {
            throw in.error("metadata 'general.alignment'", -1, "must be a power of two in [1, 2^30], found " + a);
        }
        return (int) a;
    }

    private static GgufTensorInfo readTensorInfo(HeaderInput in, String name, int alignment) throws IOException {
        String field = "tensor '" + name + "'";
        long dimsAt = in.position();
        long nDims = in.u32(field + " n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw in.error(field + " n_dims", dimsAt, "must be in [1, " + MAX_DIMS + "], found " + nDims);
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = in.position();
            dims[d] = in.i64(field + " dims[" + d + "]");
            if (dims[d] < 0) {
                throw in.error(field + " dims[" + d + "]", at, "dimension " + Long.toUnsignedString(dims[d]) + " is beyond 2^63");
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException e) {
                throw in.error(field + " dims", dimsAt, "element count overflows 64 bits: dims " + java.util.Arrays.toString(dims));
            }
        }
        long typeAt = in.position();
        long typeId = in.u32(field + " type");
        GgmlType type = GgmlType.fromId(typeId).orElseThrow(() -> in.error(field + " type", typeAt,
                "unknown tensor type " + typeId + " (known ggml types: " + java.util.Arrays.toString(GgmlType.values()) + ")"));
        if (dims[0] % type.blockSize() != 0) {
            throw in.error(field + " dims[0]", dimsAt + 4, "innermost dimension " + dims[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long byteSize = elements / type.blockSize() * type.blockBytes();
        if (byteSize / type.blockBytes() != elements / type.blockSize() || byteSize > in.size()) {
            throw in.error(field + " dims", dimsAt, "data of " + elements + " " + type + " elements exceeds the file size "
                    + in.size());
        }
        long offsetAt = in.position();
        long offset = in.i64(field + " offset");
        if (offset < 0 || offset > in.size()) {
            throw in.error(field + " offset", offsetAt, "offset " + Long.toUnsignedString(offset) + " lies beyond the end of the file ("
                    + in.size() + " bytes)");
        }
        if (offset % alignment != 0) {
            throw in.error(field + " offset", offsetAt, "offset " + offset + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, dims, type, offset, byteSize);
    }

    private static void checkDataRanges(HeaderInput in, List<GgufTensorInfo> tensors, long dataStart)
            throws ModelFileException {
        if (tensors.isEmpty()) {
            return;
        }
        long dataBytes = in.size() - dataStart;
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        GgufTensorInfo previous = null;
        for (GgufTensorInfo t : byOffset) {
            long end = t.offset() + t.byteSize();
            if (end > dataBytes) {
                throw in.error("tensor '" + t.name() + "' data", dataStart + t.offset(), "bytes [" + t.offset() + ", " + end
                        + ") of the data section run past the end of the file (the data section holds "
                        + Math.max(0, dataBytes) + " bytes from byte " + dataStart + ")");
            }
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                throw in.error("tensor '" + t.name() + "' data", dataStart + t.offset(), "bytes [" + t.offset() + ", " + end
                        + ") overlap tensor '" + previous.name() + "' at [" + previous.offset() + ", "
                        + (previous.offset() + previous.byteSize()) + ")");
            }
            previous = t;
        }
    }

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** The GGUF version, 2 or 3. */
    public int version() {
        return version;
    }

    /** The alignment of tensor data ({@code general.alignment}, default 32). */
    public int alignment() {
        return alignment;
    }

    /** The file offset of the data section, to which tensor offsets are relative. */
    public long dataStart() {
        return dataStart;
    }

    /**
     * All metadata in file order. Values are: {@code Long} for every integer type (a uint64 above
     * 2^63 - 1 is held as its two's complement bit pattern: use {@link Long#toUnsignedString}, or
     * {@link #integer}, which rejects it), {@code Double} for float32/float64 (float32 exactly),
     * {@code Boolean}, {@code String}, or an unmodifiable {@code List} of these for arrays (of
     * lists for nested arrays).
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The stored type of metadata value {@code key}, if present. */
    public Optional<GgufValueType> valueType(String key) {
        return Optional.ofNullable(valueTypes.get(key));
    }

    /** The element type of metadata array {@code key}, if present and an array. */
    public Optional<GgufValueType> arrayElementType(String key) {
        return Optional.ofNullable(elementTypes.get(key));
    }

    /** Metadata value {@code key}, if present (see {@link #metadata()} for the Java types). */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    private GgufValueType require(String key, String expected) {
        GgufValueType type = valueTypes.get(key);
        if (type == null) {
            throw new IllegalArgumentException(path + ": metadata key '" + key + "' is absent (expected " + expected + ")");
        }
        return type;
    }

    private IllegalArgumentException wrongType(String key, String expected) {
        GgufValueType type = valueTypes.get(key);
        GgufValueType element = elementTypes.get(key);
        return new IllegalArgumentException(path + ": metadata key '" + key + "' has type " + type
                + (element != null ? " of " + element : "") + ", expected " + expected);
    }

    /** String value {@code key}. @throws IllegalArgumentException naming file and key if absent or not a string */
    public String string(String key) {
        if (require(key, "a string") != GgufValueType.STRING) {
            throw wrongType(key, "a string");
        }
        return (String) metadata.get(key);
    }

    /**
     * Integer scalar {@code key} (any GGUF integer type).
     *
     * @throws IllegalArgumentException naming file and key if absent, not an integer, or a uint64
     *                                  above 2^63 - 1
     */
    public long integer(String key) {
        GgufValueType type = require(key, "an integer");
        if (!type.isInteger()) {
            throw wrongType(key, "an integer");
        }
        long v = (Long) metadata.get(key);
        if (type == GgufValueType.UINT64 && v < 0) {
            throw new IllegalArgumentException(path + ": metadata key '" + key + "' = " + Long.toUnsignedString(v)
                    + " exceeds 2^63 - 1");
        }
        return v;
    }

    /**
     * Numeric scalar {@code key} (integer or float) as a double, e.g. {@code llama.rope.freq_base}.
     *
     * @throws IllegalArgumentException naming file and key if absent or not a number
     */
    public double number(String key) {
        GgufValueType type = require(key, "a number");
        if (!type.isNumber()) {
            throw wrongType(key, "a number");
        }
        Object v = metadata.get(key);
        if (type == GgufValueType.UINT64) {
            return unsignedToDouble((Long) v);
        }
        return ((Number) v).doubleValue();
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private List<?> array(String key, String expected) {
        if (require(key, expected) != GgufValueType.ARRAY) {
            throw wrongType(key, expected);
        }
        return (List<?>) metadata.get(key);
    }

    /** String array {@code key}, e.g. {@code tokenizer.ggml.tokens}. */
    @SuppressWarnings("unchecked")
    public List<String> strings(String key) {
        List<?> list = array(key, "an array of strings");
        if (elementTypes.get(key) != GgufValueType.STRING) {
            throw wrongType(key, "an array of strings");
        }
        return (List<String>) list;
    }

    /** Numeric array {@code key} converted to float, e.g. {@code tokenizer.ggml.scores}. */
    public float[] floats(String key) {
        List<?> list = array(key, "an array of numbers");
        GgufValueType element = elementTypes.get(key);
        if (list instanceof DoubleList d) {
            float[] out = new float[d.values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) d.values[i];
            }
            return out;
        }
        if (list instanceof LongList l) {
            float[] out = new float[l.values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = element == GgufValueType.UINT64 ? (float) unsignedToDouble(l.values[i]) : (float) l.values[i];
            }
            return out;
        }
        throw wrongType(key, "an array of numbers");
    }

    /** Integer array {@code key} as int, e.g. {@code tokenizer.ggml.token_type}; every element must fit in an int. */
    public int[] ints(String key) {
        List<?> list = array(key, "an array of integers");
        if (!(list instanceof LongList l)) {
            throw wrongType(key, "an array of integers");
        }
        boolean unsigned64 = elementTypes.get(key) == GgufValueType.UINT64;
        int[] out = new int[l.values.length];
        for (int i = 0; i < out.length; i++) {
            long v = l.values[i];
            if (v != (int) v || (unsigned64 && v < 0)) {
                throw new IllegalArgumentException(path + ": metadata key '" + key + "'[" + i + "] = "
                        + (unsigned64 ? Long.toUnsignedString(v) : Long.toString(v)) + " does not fit in an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** The tensor directory in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** Tensor {@code name}'s entry, if present. */
    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    private GgufTensorInfo requireTensor(String name) {
        GgufTensorInfo t = tensorsByName.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (the file has " + tensors.size()
                    + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.get(0).name() + "'") + ")");
        }
        return t;
    }

    /** Tensor {@code name}'s dims in GGUF order, innermost first: {@code [in, out]} for a linear weight. */
    public long[] tensorShape(String name) {
        return requireTensor(name).dims();
    }

    /**
     * Tensor {@code name} as floats in row-major order of the reversed dims (innermost GGUF dim
     * fastest): a linear weight with GGUF dims {@code [in, out]} comes back as {@code [out][in]}.
     * F32, F16, BF16 and F64 convert exactly (F64 rounds to float); Q8_0 is dequantised as ggml
     * does, value = f16 scale · int8.
     *
     * @throws IllegalArgumentException      naming file and tensor if there is no such tensor or it
     *                                       has more than 2^31 - 1 elements
     * @throws UnsupportedOperationException naming file, tensor and type for other ggml types
     * @throws UncheckedIOException          if the file cannot be read (a
     *                                       {@link ModelFileException} if it shrank since {@link #read})
     */
    public float[] tensorAsFloats(String name) {
        GgufTensorInfo t = requireTensor(name);
        if (!t.type().dequantizable()) {
            throw new UnsupportedOperationException(path + ": tensor '" + name + "' has type " + t.type()
                    + "; only F32, F16, BF16, F64 and Q8_0 can be converted to float");
        }
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + n + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) n];
        int[] next = {0}; // index in out of the next chunk's first value
        try {
            TensorBytes.read(path, "tensor '" + name + "' data", dataStart + t.offset(), t.byteSize(), t.type().blockBytes(),
                    chunk -> next[0] = decode(t.type(), chunk, out, next[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static int decode(GgmlType type, ByteBuffer chunk, float[] out, int next) {
        return switch (type) {
            case F32 -> FloatEncoding.F32.decode(chunk, out, next);
            case F16 -> FloatEncoding.F16.decode(chunk, out, next);
            case BF16 -> FloatEncoding.BF16.decode(chunk, out, next);
            case F64 -> FloatEncoding.F64.decode(chunk, out, next);
            case Q8_0 -> {
                int at = next;
                while (chunk.hasRemaining()) {
                    float scale = Float16.toFloat(chunk.getShort());
                    for (int j = 0; j < GgmlType.Q8_0.blockSize(); j++) {
                        out[at++] = chunk.get() * scale;
                    }
                }
                yield at;
            }
            default -> throw new IllegalStateException("not dequantizable: " + type);
        };
    }

    /** An immutable {@code List<Long>} over a long[], so large integer arrays cost 8 bytes per element. */
    private static final class LongList extends AbstractList<Long> implements RandomAccess {
        final long[] values;

        LongList(long[] values) {
            this.values = values;
        }

        @Override
        public Long get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** An immutable {@code List<Double>} over a double[]. */
    private static final class DoubleList extends AbstractList<Double> implements RandomAccess {
        final double[] values;

        DoubleList(double[] values) {
            this.values = values;
        }

        @Override
        public Double get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
