package org.prefalign.core.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.ModelFileException;

class SafetensorsTest {

    @TempDir
    Path dir;

    /** A safetensors file assembled by hand: 8-byte length, header JSON, data bytes. */
    private Path handMade(String header, byte... data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.write(json);
        out.write(data);
        return Files.write(dir.resolve("hand.safetensors"), out.toByteArray());
    }

    private static byte[] le16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    @Test
    void readsAHandMadeFileOfEachFloatDtype() throws IOException {
        Path f = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[4,8]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
                concat(le16(0x3c00, 0xc000), le16(0x3f80, 0xc2f7),
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).array()));
        SafetensorsFile s = SafetensorsFile.read(f);
        assertEquals(Map.of("format", "pt"), s.metadata());
        assertEquals(List.of("h", "b", "d"), s.tensors().stream().map(SafetensorsTensorInfo::name).toList());
        assertArrayEquals(new float[] {1f, -2f}, s.tensorAsFloats("h"));
        assertArrayEquals(new float[] {1f, -123.5f}, s.tensorAsFloats("b"));
        assertArrayEquals(new long[] {1, 2}, s.shape("b"));
        assertArrayEquals(new float[] {0.1f}, s.tensorAsFloats("d"));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void saveThenLoadIsBitIdenticalAndSavingIsDeterministic() throws IOException {
        Random random = new Random(3);
        float[] a = new float[6 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.intBitsToFloat(random.nextInt());
        }
        a[0] = Float.NaN;
        a[1] = -0f;
        a[2] = Float.NEGATIVE_INFINITY;
        a[3] = Float.MIN_VALUE;
        float[] b = {3f};
        Path first = dir.resolve("first.safetensors");
        new SafetensorsWriter().metadata("format", "pt").tensor("a", new long[] {6, 5}, a).tensor("b", new long[] {1}, b)
                .tensor("empty", new long[] {0, 4}, new float[0]).write(first);
        SafetensorsFile s = SafetensorsFile.read(first);
        float[] back = s.tensorAsFloats("a");
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        }
        assertEquals(0, s.tensorAsFloats("empty").length);
        assertEquals(SafetensorsDtype.F32, s.tensor("a").orElseThrow().dtype());
        assertEquals(0, (Files.size(first) - 4 * 31) % 8, "the data section (31 floats) starts 8-aligned");

        Path second = dir.resolve("second.safetensors");
        SafetensorsWriter again = new SafetensorsWriter().metadata("format", "pt");
        for (SafetensorsTensorInfo t : s.tensors()) {
            again.tensor(t.name(), t.shape(), s.tensorAsFloats(t.name()));
        }
        again.write(second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void halfAndBfloat16AreWrittenWithTiesToEvenAsComputedByHand() throws IOException {
        Path f = dir.resolve("half.safetensors");
        float[] values = {1f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f, -2f};
        new SafetensorsWriter(FloatEncoding.F16).tensor("h", new long[] {4}, values)
                .tensor("b", new long[] {2}, FloatEncoding.BF16, new float[] {1f + 0x1p-8f, 1f + 3 * 0x1p-8f})
                .write(f);
        byte[] bytes = Files.readAllBytes(f);
        // data: F16 0x3C00, 0x3C00 (tie → even), 0x3C02 (tie → even), 0xC000; then BF16 0x3F80, 0x3F82
        byte[] expected = concat(le16(0x3c00, 0x3c00, 0x3c02, 0xc000), le16(0x3f80, 0x3f82));
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(bytes, bytes.length - 12, bytes.length));
        SafetensorsFile s = SafetensorsFile.read(f);
        assertEquals(SafetensorsDtype.F16, s.tensor("h").orElseThrow().dtype());
        assertEquals(SafetensorsDtype.BF16, s.tensor("b").orElseThrow().dtype());
        assertArrayEquals(new float[] {1f, 1f, 1f + 0x1p-9f, -2f}, s.tensorAsFloats("h"));
    }

    @Test
    void writingIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("w.safetensors");
        new SafetensorsWriter().tensor("x", new long[] {1}, new float[] {1}).write(f);
        new SafetensorsWriter().tensor("x", new long[] {2}, new float[] {1, 2}).write(f);
        assertArrayEquals(new float[] {1, 2}, SafetensorsFile.read(f).tensorAsFloats("x"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    private void rejects(Path file, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void malformedHeadersAreRejectedNamingFileAndField() throws IOException {
        rejects(Files.write(dir.resolve("short"), new byte[] {1, 2}), "header length", "truncated");
        Path huge = Files.write(dir.resolve("huge"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1L << 40).putLong(0).array());
        rejects(huge, "header length", "at byte 0", "1099511627776");
        rejects(handMade("[1, 2]"), "header", "starting with '{'");
        rejects(handMade("{\"a\": "), "header", "not valid JSON");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "header", "Duplicate");
        rejects(handMade("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a' dtype", "unknown dtype 'F33'");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a' shape[0]");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a' data_offsets", "must span 8 bytes");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}"),
                "tensor 'a' shape", "overflows");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "tensor 'a' data_offsets", "gap");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "tensor 'b'", "overlap");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]),
                "tensor 'a' data_offsets", "runs past the end");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[9]),
                "data", "cover 4 bytes but the data section has 9");
        rejects(handMade("{\"__metadata__\":{\"n\":3}}"), "__metadata__.n", "must be a string");
        rejects(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "tensor 'a' data_offsets");
    }

    @Test
    void everyTruncationOfAValidFileIsRejected() throws IOException {
        Path f = dir.resolve("t.safetensors");
        new SafetensorsWriter().tensor("x", new long[] {2, 3}, new float[6]).tensor("y", new long[] {1}, new float[1]).write(f);
        byte[] good = Files.readAllBytes(f);
        for (int n = 0; n < good.length; n++) {
            rejects(Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(good, n)));
        }
    }

    @Test
    void nonFloatDtypesAreReadableButNotConvertible() throws IOException {
        SafetensorsFile s = SafetensorsFile.read(handMade("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                new byte[8]));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> s.tensorAsFloats("i"));
        assertTrue(e.getMessage().contains("'i'") && e.getMessage().contains("I64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.tensorAsFloats("nope"));
    }
}
