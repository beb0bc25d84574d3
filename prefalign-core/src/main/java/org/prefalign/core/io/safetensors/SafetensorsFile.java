package org.prefalign.core.io.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.TensorBytes;

/**
 * A safetensors file (Hugging Face's tensor format): header read and validated at {@link #read},
 * tensors read on demand as floats.
 *
 * <p>Layout: a little-endian uint64 N, then N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the byte after the
 * header) plus an optional {@code "__metadata__"} object of string values, then the data. As the
 * format's reference implementation requires, the header must start with '{' and be at most
 * 100,000,000 bytes, each tensor's byte range must match its dtype and shape, and the ranges,
 * sorted, must tile the data section exactly: from 0, without gaps or overlaps, to the end of the
 * file. Errors are {@link ModelFileException}s naming the file, the field and, where one applies,
 * the byte offset.
 */
public final class SafetensorsFile {

    /** The reference implementation's limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsTensorInfo> tensors;
    private final long dataStart;

    private SafetensorsFile(Path path, Map<String, String> metadata, Map<String, SafetensorsTensorInfo> tensors,
            long dataStart) {
        this.path = path;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.dataStart = dataStart;
    }

    /**
     * Reads and validates the header of the safetensors file at {@code path}.
     *
     * @throws ModelFileException if the file is malformed (message names file, field and offset)
     */
    public static SafetensorsFile read(Path path) throws IOException {
        long size;
        byte[] header;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            size = channel.size();
            if (size < 8) {
                throw new ModelFileException(path, "header length", 0, "file is truncated: " + size
                        + " bytes, a safetensors file starts with an 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, path);
            long n = lengthBytes.flip().getLong();
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw new ModelFileException(path, "header length", 0, "header length " + Long.toUnsignedString(n)
                        + " must be in [2, " + Math.min(MAX_HEADER_BYTES, size - 8) + "] (the file has " + size + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
            readFully(channel, headerBytes, 8, path);
            header = headerBytes.array();
        }
        long dataStart = 8 + header.length;
        if (header[0] != '{') {
            throw new ModelFileException(path, "header", 8, "must be a JSON object starting with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(path, "header", 8, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(path, "header", 8, "must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, SafetensorsTensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                metadata = metadata(path, e.getValue());
            } else {
                tensors.put(e.getKey(), tensorInfo(path, e.getKey(), e.getValue()));
            }
        }
        checkTiling(path, tensors.values(), size - dataStart, dataStart);
        return new SafetensorsFile(path, metadata, tensors, dataStart);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ModelFileException(path, "header", position + buffer.position(), "file ended inside the header");
            }
        }
    }

    private static Map<String, String> metadata(Path path, JsonNode node) throws ModelFileException {
        if (!node.isObject()) {
            throw new ModelFileException(path, "__metadata__", -1, "must be an object of strings, got " + node);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFileException(path, "__metadata__." + e.getKey(), -1, "must be a string, got " + e.getValue());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private static SafetensorsTensorInfo tensorInfo(Path path, String name, JsonNode node) throws ModelFileException {
        String field = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new ModelFileException(path, field, -1, "must be an object with dtype, shape and data_offsets, got " + node);
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new ModelFileException(path, field + " dtype", -1, "must be a string, got " + dtypeNode);
        }
        SafetensorsDtype dtype;
        try {
            dtype = SafetensorsDtype.valueOf(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, field + " dtype", -1, "unknown dtype '" + dtypeNode.textValue() + "' (known: "
                    + java.util.Arrays.toString(SafetensorsDtype.values()) + ")");
        }
        long[] shape = longs(path, field + " shape", node.get("shape"), -1);
        long[] offsets = longs(path, field + " data_offsets", node.get("data_offsets"), 2);
        long bytes = dtype.bytes();
        for (long d : shape) {
            try {
                bytes = Math.multiplyExact(bytes, d);
            } catch (ArithmeticException e) {
                throw new ModelFileException(path, field + " shape", -1, "byte size of shape "
                        + java.util.Arrays.toString(shape) + " overflows 64 bits");
            }
        }
        if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != bytes) {
            throw new ModelFileException(path, field + " data_offsets", -1, "[" + offsets[0] + ", " + offsets[1]
                    + ") must span " + bytes + " bytes for " + dtype + " " + java.util.Arrays.toString(shape));
        }
        return new SafetensorsTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longs(Path path, String field, JsonNode node, int requiredLength) throws ModelFileException {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new ModelFileException(path, field, -1, "must be an array of " + (requiredLength >= 0 ? requiredLength + " " : "")
                    + "non-negative integers, got " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new ModelFileException(path, field + "[" + i + "]", -1, "must be a non-negative integer, got " + v);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkTiling(Path path, java.util.Collection<SafetensorsTensorInfo> tensors, long dataBytes,
            long dataStart) throws ModelFileException {
        List<SafetensorsTensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(SafetensorsTensorInfo::begin).thenComparingLong(SafetensorsTensorInfo::end));
        long expected = 0;
        for (SafetensorsTensorInfo t : sorted) {
            if (t.begin() != expected) {
                throw new ModelFileException(path, "tensor '" + t.name() + "' data_offsets", dataStart + t.begin(), "begins at "
                        + t.begin() + " but the previous tensor ends at " + expected + " (the data must be contiguous: "
                        + (t.begin() > expected ? "gap" : "overlap") + ")");
            }
            if (t.end() > dataBytes) {
                throw new ModelFileException(path, "tensor '" + t.name() + "' data_offsets", dataStart + t.begin(), "["
                        + t.begin() + ", " + t.end() + ") runs past the end of the file (the data section has " + dataBytes
                        + " bytes)");
            }
            expected = t.end();
        }
        if (expected != dataBytes) {
            throw new ModelFileException(path, "data", dataStart + expected, "the tensors cover " + expected
                    + " bytes but the data section has " + dataBytes);
        }
    }

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor entries in header order. */
    public List<SafetensorsTensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /** Tensor {@code name}'s entry, if present. */
    public Optional<SafetensorsTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    private SafetensorsTensorInfo requireTensor(String name) {
        SafetensorsTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (the file has " + tensors.size() + ")");
        }
        return t;
    }

    /** Tensor {@code name}'s shape, outermost first. */
    public long[] shape(String name) {
        return requireTensor(name).shape();
    }

    /**
     * Tensor {@code name} as floats, row-major. F32, F16 and BF16 convert exactly, F64 rounds to
     * nearest.
     *
     * @throws IllegalArgumentException      naming file and tensor if absent or too large for an array
     * @throws UnsupportedOperationException naming file, tensor and dtype for non-float dtypes
     * @throws UncheckedIOException          if reading fails
     */
    public float[] tensorAsFloats(String name) {
        SafetensorsTensorInfo t = requireTensor(name);
        FloatEncoding encoding = t.dtype().floatEncoding().orElseThrow(() -> new UnsupportedOperationException(path
                + ": tensor '" + name + "' has dtype " + t.dtype() + "; only F32, F16, BF16 and F64 convert to float"));
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + n + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) n];
        int[] next = {0};
        try {
            TensorBytes.read(path, "tensor '" + name + "' data", dataStart + t.begin(), t.end() - t.begin(), encoding.bytes(),
                    chunk -> next[0] = encoding.decode(chunk, out, next[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
