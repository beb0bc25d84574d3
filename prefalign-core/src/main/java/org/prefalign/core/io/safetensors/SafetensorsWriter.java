package org.prefalign.core.io.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prefalign.core.io.AtomicFiles;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.LittleEndianOutput;

/**
 * Builds a safetensors file from float tensors and writes it atomically (temporary file in the
 * same directory, then rename). Tensors are stored in the order added, contiguously; the JSON
 * header is padded with spaces to a multiple of 8 bytes so that the data section starts aligned.
 * Writing is deterministic: the same tensors give the same bytes.
 */
public final class SafetensorsWriter {

    private record Tensor(String name, long[] shape, FloatEncoding encoding, float[] values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FloatEncoding defaultEncoding;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** A writer that stores tensors as float32. */
    public SafetensorsWriter() {
        this(FloatEncoding.F32);
    }

    /** A writer that stores tensors in {@code defaultEncoding} (F32, F16, BF16 or F64) unless told otherwise. */
    public SafetensorsWriter(FloatEncoding defaultEncoding) {
        this.defaultEncoding = defaultEncoding;
    }

    /** Adds a {@code __metadata__} entry (e.g. {@code "format": "pt"}). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor in the writer's default encoding; see {@link #tensor(String, long[], FloatEncoding, float[])}. */
    public SafetensorsWriter tensor(String name, long[] shape, float[] values) {
        return tensor(name, shape, defaultEncoding, values);
    }

    /**
     * Adds tensor {@code name} of {@code shape} (outermost first, PyTorch order) holding the
     * row-major {@code values}, stored in {@code encoding}. The array is not copied; do not modify
     * it before {@link #write}.
     */
    public SafetensorsWriter tensor(String name, long[] shape, FloatEncoding encoding, float[] values) {
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + values.length);
        }
        for (Tensor t : tensors) {
            if (t.name().equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
        }
        tensors.add(new Tensor(name, shape.clone(), encoding, values));
        return this;
    }

    /** The header JSON bytes, padded with spaces to a multiple of 8. */
    private byte[] header() {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", SafetensorsDtype.of(t.encoding()).name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + (long) t.values().length * t.encoding().bytes();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        try {
            byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
            byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
            Arrays.fill(padded, json.length, padded.length, (byte) ' ');
            return padded;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the file atomically. */
    public void write(Path path) throws IOException {
        byte[] header = header();
        AtomicFiles.write(path, stream -> {
            LittleEndianOutput out = new LittleEndianOutput(stream);
            out.i64(header.length);
            out.bytes(header);
            for (Tensor t : tensors) {
                t.encoding().encode(t.values(), out);
            }
        });
    }
}
