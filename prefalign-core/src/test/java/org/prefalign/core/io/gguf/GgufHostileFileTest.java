package org.prefalign.core.io.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.ModelFileException;

/**
 * Truncated, corrupted and hand-crafted hostile GGUF files: every one must fail with a
 * {@link ModelFileException} naming the file and the field (never an OutOfMemoryError, a
 * NegativeArraySizeException or an index exception), or, for harmless corruption, read cleanly.
 */
class GgufHostileFileTest {

    private static final long TERA = 1L << 40;

    @TempDir
    Path dir;

    private byte[] good;
    private GgufFile goodFile;

    @BeforeEach
    void writeFixture() throws IOException {
        Path file = dir.resolve("good.gguf");
        GgufWriterRoundTripTest.fixture(3).write(file);
        good = Files.readAllBytes(file);
        goodFile = GgufFile.read(file);
    }

    private ModelFileException rejects(byte[] bytes, String... messageParts) throws IOException {
        Path file = Files.write(dir.resolve("hostile.gguf"), bytes);
        ModelFileException e = assertThrows(ModelFileException.class, () -> GgufFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
        return e;
    }

    private ModelFileException rejects(RawBytes raw, String... messageParts) throws IOException {
        return rejects(raw.toByteArray(), messageParts);
    }

    @Test
    void everyTruncationThatCutsIntoTensorDataFails() throws IOException {
        long needed = goodFile.dataStart() + goodFile.tensors().stream()
                .mapToLong(t -> t.offset() + t.byteSize()).max().orElseThrow();
        for (int length = 0; length < needed; length++) {
            rejects(Arrays.copyOf(good, length));
        }
    }

    @Test
    void corruptingAnyHeaderByteFailsCleanlyOrReadsCleanly() throws IOException {
        Path file = dir.resolve("corrupt.gguf");
        int failures = 0;
        int header = (int) goodFile.dataStart(); // corrupt tensor data is just other numbers
        for (int i = 0; i < header; i++) {
            for (int value : new int[] {0xff, good[i] ^ 0x80}) {
                byte[] bytes = good.clone();
                bytes[i] = (byte) value;
                Files.write(file, bytes);
                try {
                    GgufFile g = GgufFile.read(file);
                    for (GgufTensorInfo t : g.tensors()) {
                        if (t.type().dequantizable()) {
                            assertEquals(t.elementCount(), g.tensorAsFloats(t.name()).length);
                        }
                    }
                } catch (ModelFileException e) {
                    failures++;
                    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                } catch (RuntimeException | Error e) {
                    fail("byte " + i + " set to " + value + ": " + e, e);
                }
            }
        }
        assertTrue(failures > header / 2, "many header corruptions must be detected, got " + failures + " of " + 2 * header);
    }

    @Test
    void wrongMagicVersionOneAndBigEndianAreNamed() throws IOException {
        byte[] bad = good.clone();
        bad[0] = 'X';
        rejects(bad, "magic", "at byte 0", "not a GGUF file");
        rejects(new byte[] {'G', 'G'}, "magic", "truncated");
        rejects(RawBytes.gguf(1, 0, 0), "version", "at byte 4", "unsupported version 1");
        rejects(RawBytes.gguf(0x03000000, 0, 0), "version", "big-endian");
        rejects(RawBytes.gguf(4, 0, 0), "unsupported version 4");
    }

    @Test
    void hostileCountsFailBeforeAllocation() throws IOException {
        rejects(RawBytes.gguf(3, 0, TERA), "metadata count", "at byte 16");
        rejects(RawBytes.gguf(3, TERA, 0), "tensor count", "at byte 8");
        rejects(RawBytes.gguf(3, 0, -1), "metadata count", "beyond 2^63");
        rejects(RawBytes.gguf(3, 0, 1).u64(TERA).ascii("abcdefghijk"), "metadata[0] key length", "at byte 24",
                "string length 1099511627776 exceeds the 11 bytes left");
        rejects(RawBytes.gguf(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(GgufValueType.UINT32.id()).u64(TERA),
                "metadata 'arr' length", "count 1099511627776");
        rejects(RawBytes.gguf(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(GgufValueType.STRING.id()).u64(3).u64(0),
                "metadata 'arr' length");
        rejects(RawBytes.gguf(3, 0, 1).key("s", GgufValueType.STRING).u64(5).ascii("abcd"), "metadata 's' length");
    }

    @Test
    void unknownValueTypeIsNamed() throws IOException {
        RawBytes raw = RawBytes.gguf(3, 0, 1).str("k").u32(13).u64(0);
        rejects(raw, "metadata 'k' type", "at byte 33", "unknown value type 13");
        rejects(RawBytes.gguf(3, 0, 1).key("a", GgufValueType.ARRAY).u32(77).u64(0), "metadata 'a' element type",
                "unknown value type 77");
        rejects(RawBytes.gguf(3, 0, 1).key("b", GgufValueType.BOOL).u8(2).u64(0), "metadata 'b'", "bool must be 0 or 1");
    }

    @Test
    void duplicateKeysAndTensorsAreRejected() throws IOException {
        rejects(RawBytes.gguf(3, 0, 2).key("k", GgufValueType.UINT8).u8(1).key("k", GgufValueType.UINT8).u8(2),
                "metadata[1] key", "duplicate metadata key 'k'");
        rejects(RawBytes.gguf(3, 2, 0).tensor("t", GgmlType.F32, 0, 8).tensor("t", GgmlType.F32, 32, 8).pad(32)
                .ascii("x".repeat(64)), "tensor[1] name", "duplicate tensor name 't'");
    }

    @Test
    void deeplyNestedArraysAreRejected() throws IOException {
        RawBytes raw = RawBytes.gguf(3, 0, 1).key("deep", GgufValueType.ARRAY);
        for (int i = 0; i < 1000; i++) {
            raw.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        rejects(raw, "nested deeper than");
    }

    @Test
    void badAlignmentIsRejected() throws IOException {
        rejects(RawBytes.gguf(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(24).u64(0),
                "general.alignment", "power of two");
        rejects(RawBytes.gguf(3, 0, 1).key("general.alignment", GgufValueType.UINT64).u64(32).u64(0),
                "general.alignment", "uint32");
    }

    @Test
    void tensorInfoFieldsAreChecked() throws IOException {
        byte[] data = new byte[256];
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0).pad(32), "tensor 't' n_dims", "must be in [1, 4]");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0, 1, 1, 1, 1, 1), "tensor 't' n_dims");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0, 1L << 20, 1L << 20).pad(32),
                "tensor 't' dims", "exceeds the file size");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0, 1L << 40, 1L << 40).pad(32),
                "tensor 't' dims", "overflows 64 bits");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0, -5).pad(32), "tensor 't' dims[0]", "beyond 2^63");
        RawBytes unknownType = RawBytes.gguf(3, 1, 0).str("t").u32(1).u64(8).u32(99).u64(0).pad(32);
        rejects(unknownType, "tensor 't' type", "at byte 45", "unknown tensor type 99");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.Q8_0, 0, 16).pad(32), "tensor 't' dims[0]",
                "not a multiple of the Q8_0 block size 32");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 8, 2).pad(32).bytes(data), "tensor 't' offset",
                "not a multiple of the alignment 32");
        rejects(RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, TERA, 2).pad(32), "tensor 't' offset",
                "beyond the end of the file");
    }

    @Test
    void tensorDataOutOfRangeOrOverlappingIsRejected() throws IOException {
        RawBytes outOfRange = RawBytes.gguf(3, 1, 0).tensor("t", GgmlType.F32, 0, 16).pad(32).ascii("x".repeat(63));
        rejects(outOfRange, "tensor 't' data", "run past the end of the file");
        RawBytes overlap = RawBytes.gguf(3, 2, 0).tensor("a", GgmlType.F32, 0, 16).tensor("b", GgmlType.F32, 32, 8)
                .pad(32).ascii("x".repeat(128));
        rejects(overlap, "tensor 'b' data", "overlap tensor 'a' at [0, 64)");
    }

    @Test
    void typesWithoutDequantisationAreReadableButNotConvertible() throws IOException {
        Path file = RawBytes.gguf(3, 1, 0).tensor("q4", GgmlType.Q4_0, 0, 32).pad(32).ascii("y".repeat(18))
                .writeTo(dir.resolve("q4.gguf"));
        GgufFile g = GgufFile.read(file);
        assertEquals(18, g.tensor("q4").orElseThrow().byteSize());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> g.tensorAsFloats("q4"));
        assertTrue(e.getMessage().contains("q4.gguf") && e.getMessage().contains("Q4_0"), e.getMessage());
    }
}
