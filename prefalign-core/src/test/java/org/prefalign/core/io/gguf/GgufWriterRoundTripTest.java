package org.prefalign.core.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufWriterRoundTripTest {

    @TempDir
    Path dir;

    /** A fixture with every metadata type and F32, F16, BF16 and Q8_0 tensors; tests corrupt it. */
    static GgufWriter fixture(int version) {
        float[] f32 = {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0f, 7f};
        float[] f16 = new float[8];
        for (int i = 0; i < f16.length; i++) {
            f16[i] = (i - 4) * 0.125f; // multiples of 1/8: exact in half precision
        }
        float[] q8 = new float[64];
        for (int i = 0; i < 32; i++) {
            q8[i] = i - 15.5f; // block 0: −15.5 … 15.5; block 1 stays zero
        }
        return new GgufWriter(version)
                .put("u8", GgufValueType.UINT8, 255L)
                .put("i8", GgufValueType.INT8, -128L)
                .put("u16", GgufValueType.UINT16, 65535L)
                .put("i16", GgufValueType.INT16, -32768L)
                .put("u32", GgufValueType.UINT32, 4294967295L)
                .put("i32", GgufValueType.INT32, -2147483648L)
                .put("u64", GgufValueType.UINT64, -1L)
                .put("i64", GgufValueType.INT64, Long.MIN_VALUE)
                .put("f32", GgufValueType.FLOAT32, 0.1f)
                .put("f64", GgufValueType.FLOAT64, 0.1)
                .put("yes", GgufValueType.BOOL, true)
                .put("no", GgufValueType.BOOL, false)
                .putString("name", "tiny ▁llama")
                .putArray("strs", GgufValueType.STRING, List.of("a", "", "▁b"))
                .putArray("i32s", GgufValueType.INT32, List.of(1L, -2L, 3L))
                .putArray("f32s", GgufValueType.FLOAT32, List.of(0.5f, -1.25f))
                .putArray("bools", GgufValueType.BOOL, List.of(true, false))
                .putArray("nested", GgufValueType.ARRAY, List.of(
                        new GgufArray(GgufValueType.UINT8, List.of(1L, 2L)),
                        new GgufArray(GgufValueType.STRING, List.of("x"))))
                .putArray("empty", GgufValueType.INT64, List.of())
                .tensor("a.f32", new long[] {3, 2}, GgmlType.F32, f32)
                .tensor("b.f16", new long[] {8}, GgmlType.F16, f16)
                .tensor("c.q8", new long[] {32, 2}, GgmlType.Q8_0, q8)
                .tensor("d.bf16", new long[] {2}, GgmlType.BF16, new float[] {1f / 3, -257f});
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyMetadataTypeRoundTrips(int version) throws IOException {
        Path file = dir.resolve("v" + version + ".gguf");
        fixture(version).write(file);
        GgufFile g = GgufFile.read(file);
        assertEquals(version, g.version());
        assertEquals(255L, g.integer("u8"));
        assertEquals(-128L, g.integer("i8"));
        assertEquals(65535L, g.integer("u16"));
        assertEquals(-32768L, g.integer("i16"));
        assertEquals(4294967295L, g.integer("u32"));
        assertEquals(-2147483648L, g.integer("i32"));
        assertEquals(-1L, g.metadata().get("u64")); // bit pattern of 2^64 - 1 ...
        assertThrows(IllegalArgumentException.class, () -> g.integer("u64")); // ... which integer() refuses
        assertEquals(Long.MIN_VALUE, g.integer("i64"));
        assertEquals((double) 0.1f, g.number("f32"));
        assertEquals(0.1, g.number("f64"));
        assertEquals(Math.pow(2, 64), g.number("u64"));
        assertEquals(true, g.metadata().get("yes"));
        assertEquals(false, g.get("no").orElseThrow());
        assertEquals("tiny ▁llama", g.string("name"));
        assertEquals(List.of("a", "", "▁b"), g.strings("strs"));
        assertArrayEquals(new int[] {1, -2, 3}, g.ints("i32s"));
        assertArrayEquals(new float[] {1, -2, 3}, g.floats("i32s"));
        assertArrayEquals(new float[] {0.5f, -1.25f}, g.floats("f32s"));
        assertEquals(List.of(true, false), g.metadata().get("bools"));
        assertEquals(List.of(List.of(1L, 2L), List.of("x")), g.metadata().get("nested"));
        assertEquals(GgufValueType.ARRAY, g.arrayElementType("nested").orElseThrow());
        assertEquals(List.of(), g.metadata().get("empty"));
        assertEquals(List.of("u8", "i8", "u16"), List.copyOf(g.metadata().keySet()).subList(0, 3));
    }

    @Test
    void tensorsRoundTripAndQ8_0DequantisesAsComputedByHand() throws IOException {
        Path file = dir.resolve("t.gguf");
        fixture(3).write(file);
        GgufFile g = GgufFile.read(file);
        assertEquals(List.of("a.f32", "b.f16", "c.q8", "d.bf16"), g.tensors().stream().map(GgufTensorInfo::name).toList());
        for (GgufTensorInfo t : g.tensors()) {
            assertEquals(0, (g.dataStart() + t.offset()) % 32, t.name());
        }
        assertArrayEquals(new float[] {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0f, 7f}, g.tensorAsFloats("a.f32"));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(g.tensorAsFloats("a.f32")[4]));
        assertArrayEquals(new long[] {3, 2}, g.tensorShape("a.f32"));
        assertArrayEquals(new float[] {-0.5f, -0.375f, -0.25f, -0.125f, 0, 0.125f, 0.25f, 0.375f}, g.tensorAsFloats("b.f16"));
        assertEquals(8 * 2, g.tensor("b.f16").orElseThrow().byteSize());
        assertEquals(2 * 34, g.tensor("c.q8").orElseThrow().byteSize());

        // Block 0 holds x_i = i − 15.5: d = 15.5/127 stored as half; q_i = round(x_i / d).
        // By hand: 15.5/127 = 0.122047… = 1.952756 · 2^-4; 10 mantissa bits: 0.952756 · 1024 = 975.6 → 976,
        // so fp16(d) = (1 + 976/1024) · 2^-4 = 0.1220703125 (0x2FD0).
        float d = 0.1220703125f;
        float[] q8 = g.tensorAsFloats("c.q8");
        assertEquals(-127 * d, q8[0]); // x_0 = −15.5 → q = −127
        assertEquals(-4 * d, q8[15]); // x_15 = −0.5 → −0.5 · 127/15.5 = −4.097 → q = −4
        assertEquals(4 * d, q8[16]); // x_16 = 0.5 → q = 4
        assertEquals(127 * d, q8[31]); // x_31 = 15.5 → q = 127
        // block 1 is all zeros: d = 0, every q = 0
        for (int i = 32; i < 64; i++) {
            assertEquals(0f, q8[i]);
        }
        // BF16 keeps 8 significant bits: 1/3 = 0x3EAAAAAB → 0x3EAB = 0.333984375; −257 is a tie between −256
        // (mantissa even) and −258 → −256
        assertArrayEquals(new float[] {0.333984375f, -256f}, g.tensorAsFloats("d.bf16"));
    }

    @Test
    void writerRejectsInvalidInput() {
        GgufWriter w = new GgufWriter(3);
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter(1));
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValueType.UINT8, 256L));
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValueType.STRING, 3L));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("t", new long[] {3}, GgmlType.F32, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("t", new long[] {16}, GgmlType.Q8_0, new float[16]));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("t", new long[] {32}, GgmlType.Q4_0, new float[32]));
        w.tensor("t", new long[] {1}, GgmlType.F32, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> w.tensor("t", new long[] {1}, GgmlType.F32, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(24));
    }

    @Test
    void customAlignmentIsRecordedAndHonoured() throws IOException {
        Path file = dir.resolve("a64.gguf");
        new GgufWriter(3).alignment(64)
                .tensor("x", new long[] {3}, GgmlType.F32, new float[] {1, 2, 3})
                .tensor("y", new long[] {1}, GgmlType.F32, new float[] {4})
                .write(file);
        GgufFile g = GgufFile.read(file);
        assertEquals(64, g.alignment());
        assertEquals(64, g.tensor("y").orElseThrow().offset());
        assertEquals(0, g.dataStart() % 64);
        assertArrayEquals(new float[] {4}, g.tensorAsFloats("y"));
    }

    @Test
    void hostileQ8_0BytesFromAHandBuiltFileDequantiseAsGgmlDoes() throws IOException {
        // One Q8_0 block written byte by byte: scale 0x3800 (= 0.5 in half precision), q = −128, −1, 0, 1, 127, then 27 × 2.
        RawBytes raw = RawBytes.gguf(3, 1, 0).tensor("q", GgmlType.Q8_0, 0, 32).pad(32);
        raw.u16(0x3800).u8(0x80).u8(0xff).u8(0).u8(1).u8(127);
        for (int i = 0; i < 27; i++) {
            raw.u8(2);
        }
        GgufFile g = GgufFile.read(raw.writeTo(dir.resolve("q.gguf")));
        float[] q = g.tensorAsFloats("q");
        assertArrayEquals(new float[] {-64f, -0.5f, 0f, 0.5f, 63.5f, 1f}, java.util.Arrays.copyOf(q, 6));
        assertEquals(1f, q[31]);
        assertTrue(g.metadata().isEmpty());
    }
}
