package org.prefalign.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Mul;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.model.Trainable;
import org.prefalign.core.optim.AdamW;

class CheckpointTest {

    @TempDir
    Path root;

    /** Float parameters of several shapes, a scalar among them. */
    private static Map<String, Tensor> parameters(long seed) {
        Random rng = new Random(seed);
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (long[] shape : List.of(new long[] {3, 5}, new long[] {7}, new long[] {2, 3, 4}, new long[0])) {
            INDArray a = Nd4j.create(DataType.FLOAT, shape);
            INDArray flat = a.reshape(a.length());
            for (long i = 0; i < a.length(); i++) {
                flat.putScalar(i, (float) rng.nextGaussian());
            }
            p.put("w" + shape.length, Tensor.parameter(a));
        }
        return p;
    }

    /** Gives every parameter the gradient 0.5·θ + 0.25, as the backward of Σ (0.25·θ² + 0.25·θ). */
    private static void setGradients(Map<String, Tensor> params) {
        Map<Tensor, INDArray> seeds = new LinkedHashMap<>();
        try (Tape tape = Tape.recording()) {
            for (Tensor p : params.values()) {
                p.zeroGrad();
                Tensor ones = Tensor.constant(Nd4j.ones(DataType.FLOAT, p.shape()));
                seeds.put(Mul.apply(tape, p, ones), p.value().mul(0.5).addi(0.25));
            }
            tape.backward(seeds);
        }
    }

    private static float[] bits(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /** Metadata that must come back bit for bit: long extremes and doubles without short decimal forms. */
    private static final class Counters implements Checkpointable {
        long count;
        double mean;

        @Override
        public StateSnapshot saveState() {
            ObjectNode m = StateSnapshot.newMetadata();
            m.put("count", count);
            m.put("mean", mean);
            return StateSnapshot.of(m);
        }

        @Override
        public void restoreState(StateSnapshot state) {
            long c = state.longField("count");
            double m = state.doubleField("mean");
            count = c;
            mean = m;
        }
    }

    @Test
    void saveThenLoadRestoresEveryPartBitForBit() throws IOException {
        Map<String, Tensor> params = parameters(1);
        Trainable model = () -> params;
        AdamW adam = new AdamW(params, AdamW.Config.torchDefaults(), name -> true);
        setGradients(params);
        adam.step(1e-3);
        setGradients(params);
        adam.step(1e-3);
        INDArray w1 = params.get("w1").value();
        w1.putScalar(0, Float.MIN_VALUE); // subnormal, signed zero, extreme: stored bit for bit
        w1.putScalar(1, -0.0f);
        w1.putScalar(2, -Float.MAX_VALUE);
        SplitMix64 rng = new SplitMix64(77);
        rng.nextLong();
        Counters counters = new Counters();
        counters.count = Long.MIN_VALUE;
        counters.mean = 0.1 + 0.2;

        Path dir = Checkpoint.directoryFor(root, 12);
        Checkpoint.save(dir, 12, Map.of("model", new ParameterState(model), "optimizer", new OptimizerState(adam),
                "rng", rng, "counters", counters));
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(List.of(dir.getFileName()), entries.map(Path::getFileName).toList(), "no leftovers beside it");
        }

        Map<String, Tensor> fresh = parameters(2);
        AdamW freshAdam = new AdamW(fresh, AdamW.Config.torchDefaults(), name -> true);
        SplitMix64 freshRng = new SplitMix64(0);
        Counters freshCounters = new Counters();
        Checkpoint cp = Checkpoint.latest(root).orElseThrow();
        assertEquals(12, cp.step());
        cp.restore(Map.of("model", new ParameterState(() -> fresh), "optimizer", new OptimizerState(freshAdam),
                "rng", freshRng, "counters", freshCounters));

        for (String name : params.keySet()) {
            assertArrayEquals(bits(params.get(name).value()), bits(fresh.get(name).value()), name);
            assertArrayEquals(params.get(name).value().shape(), fresh.get(name).value().shape(), name);
        }
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(fresh.get("w1").value().getFloat(1)));
        assertEquals(2, freshAdam.steps());
        Map<String, INDArray> want = adam.stateDict();
        Map<String, INDArray> got = freshAdam.stateDict();
        assertEquals(want.keySet(), got.keySet());
        for (String slot : want.keySet()) {
            if (want.get(slot).dataType() == DataType.FLOAT) {
                assertArrayEquals(bits(want.get(slot)), bits(got.get(slot)), slot);
            } else {
                assertEquals(want.get(slot).getLong(0), got.get(slot).getLong(0), slot);
            }
        }
        assertEquals(rng.nextLong(), freshRng.nextLong());
        assertEquals(Long.MIN_VALUE, freshCounters.count);
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(freshCounters.mean));
    }

    @Test
    void latestPicksTheHighestStepNumericallyAndIgnoresLeftoversOfInterruptedSaves() throws IOException {
        assertTrue(Checkpoint.latest(root).isEmpty());
        Counters c = new Counters();
        for (long step : new long[] {9, 10, 2}) {
            c.count = step;
            Checkpoint.save(Checkpoint.directoryFor(root, step), step, Map.of("c", c));
        }
        // what a crash mid-save leaves: a hidden temporary directory with some files and no manifest
        Path leftover = Files.createDirectory(root.resolve(".checkpoint-11.tmp-123"));
        Files.write(leftover.resolve("c.safetensors"), new byte[] {1, 2, 3});
        Checkpoint latest = Checkpoint.latest(root).orElseThrow();
        assertEquals(10, latest.step());
        Counters back = new Counters();
        latest.restore(Map.of("c", back));
        assertEquals(10, back.count);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(leftover));
        assertTrue(e.getMessage().contains("is not a complete checkpoint"), e.getMessage());
    }

    @Test
    void aPartFailingDuringSaveLeavesNothingAndKeepsTheCheckpointItWouldReplace() throws IOException {
        Map<String, Tensor> params = parameters(3);
        Path dir = Checkpoint.directoryFor(root, 5);
        Checkpoint.save(dir, 5, Map.of("model", new ParameterState(() -> params)));
        Checkpointable failing = new Checkpointable() {
            @Override
            public StateSnapshot saveState() {
                throw new UncheckedIOException(new IOException("disk full (simulated)"));
            }

            @Override
            public void restoreState(StateSnapshot state) {
            }
        };
        Map<String, Tensor> changed = parameters(4);
        Map<String, Checkpointable> parts = new LinkedHashMap<>();
        parts.put("model", new ParameterState(() -> changed));
        parts.put("broken", failing);
        assertThrows(UncheckedIOException.class, () -> Checkpoint.save(dir, 5, parts));
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(List.of(dir.getFileName()), entries.map(Path::getFileName).toList());
        }
        Map<String, Tensor> back = parameters(5);
        Checkpoint.open(dir).restore(Map.of("model", new ParameterState(() -> back)));
        assertArrayEquals(bits(params.get("w2").value()), bits(back.get("w2").value()), "the old checkpoint survives");
    }

    @Test
    void savingAgainAtTheSameStepReplacesTheCheckpoint() throws IOException {
        Counters c = new Counters();
        Path dir = Checkpoint.directoryFor(root, 3);
        c.count = 1;
        Checkpoint.save(dir, 3, Map.of("c", c));
        c.count = 2;
        Checkpoint.save(dir, 3, Map.of("c", c));
        Counters back = new Counters();
        Checkpoint.open(dir).restore(Map.of("c", back));
        assertEquals(2, back.count);
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(1, entries.count());
        }
    }

    @Test
    void damagedOrTruncatedFilesAreNamedAndNothingIsRestored() throws IOException {
        Map<String, Tensor> params = parameters(6);
        Path dir = Checkpoint.directoryFor(root, 1);
        Checkpoint.save(dir, 1, Map.of("model", new ParameterState(() -> params)));
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(file, bytes);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.open(dir));
        assertEquals(file, e.file());
        assertEquals("crc32c", e.field());
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 8));
        e = assertThrows(ModelFileException.class, () -> Checkpoint.open(dir));
        assertEquals("size", e.field());
        Files.delete(file);
        e = assertThrows(ModelFileException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        Files.writeString(dir.resolve(Checkpoint.MANIFEST), "{\"format\": \"prefalign-checkpoint\", \"version\": 1, \"step\": -4,"
                + " \"parts\": {}}");
        e = assertThrows(ModelFileException.class, () -> Checkpoint.open(dir));
        assertEquals("step", e.field());
    }

    @Test
    void mismatchedPartsAndShapesAreRejectedBeforeAnythingChanges() throws IOException {
        Map<String, Tensor> params = parameters(7);
        Path dir = Checkpoint.directoryFor(root, 4);
        Counters c = new Counters();
        Checkpoint.save(dir, 4, Map.of("model", new ParameterState(() -> params), "c", c));
        Checkpoint cp = Checkpoint.open(dir);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cp.restore(Map.of("model", new ParameterState(() -> params), "rng", new SplitMix64(1))));
        assertTrue(e.getMessage().contains("no part for [c]") && e.getMessage().contains("does not have: [rng]"),
                e.getMessage());

        Map<String, Tensor> other = parameters(8);
        other.put("w1", Tensor.parameter(Nd4j.create(DataType.FLOAT, 8)));
        float[] before = bits(other.get("w2").value());
        e = assertThrows(IllegalArgumentException.class,
                () -> cp.restore(Map.of("model", new ParameterState(() -> other), "c", new Counters())));
        assertTrue(e.getMessage().contains("part 'model'") && e.getMessage().contains("tensor 'w1' has shape [7], expected [8]"),
                e.getMessage());
        assertArrayEquals(before, bits(other.get("w2").value()), "validated before assigning");

        Map<String, Tensor> fewer = parameters(9);
        fewer.remove("w0");
        e = assertThrows(IllegalArgumentException.class,
                () -> cp.restore(Map.of("model", new ParameterState(() -> fewer), "c", new Counters())));
        assertTrue(e.getMessage().contains("unexpected [w0]"), e.getMessage());
    }

    @Test
    void badNamesStepsAndTypesAreRejected() {
        Counters c = new Counters();
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(root.resolve("x"), -1, Map.of("c", c)));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(root.resolve("x"), 0, Map.of("../c", c)));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(root.resolve("x"), 0, Map.of()));
        Map<String, Tensor> doubles = Map.of("w", Tensor.parameter(Nd4j.create(DataType.DOUBLE, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(root.resolve("x"), 0, Map.of("model", new ParameterState(() -> doubles))));
        assertTrue(e.getMessage().contains("tensor 'w' is DOUBLE"), e.getMessage());
        assertFalse(Files.exists(root.resolve("x")));
    }
}
