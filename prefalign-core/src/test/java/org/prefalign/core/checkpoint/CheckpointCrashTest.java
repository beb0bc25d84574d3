package org.prefalign.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.autodiff.Tensor;

/**
 * A process saving checkpoints in a loop is killed (SIGKILL) at an arbitrary moment, most likely
 * in the middle of a save or a prune: every checkpoint left visible must open, verify and restore
 * whole, with all of its parts from one and the same step.
 */
class CheckpointCrashTest {

    @TempDir
    Path dir;

    @Test
    void aProcessKilledWhileSavingLeavesOnlyCompleteCheckpoints() throws Exception {
        Path root = dir.resolve("run");
        Path out = dir.resolve("child.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CheckpointCrashChild.class.getName(), root.toString());
        pb.redirectOutput(out.toFile());
        pb.redirectError(dir.resolve("child.err").toFile());
        Process child = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (saves(out) < 4) {
                assertTrue(child.isAlive(), () -> "the child died: " + read(dir.resolve("child.err")));
                assertTrue(System.nanoTime() < deadline, "the child saved too slowly");
                Thread.sleep(5);
            }
            Thread.sleep(7); // land somewhere inside a later save or prune
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }

        List<Path> visible;
        try (Stream<Path> entries = Files.list(root)) {
            visible = entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        assertTrue(!visible.isEmpty(), "at least one checkpoint");
        for (Path p : visible) {
            assertComplete(Checkpoint.open(p));
        }
        Checkpoint latest = Checkpoint.latest(root).orElseThrow();
        assertTrue(latest.step() >= saves(out), "the latest is at least the last reported save");
        assertComplete(latest);

        Checkpoint.prune(root, 1);
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(List.of(latest.directory().getFileName()), entries.map(Path::getFileName).toList(),
                    "prune removes older checkpoints and the killed save's leftovers");
        }
    }

    /** Restores the checkpoint and checks that every value in it belongs to its step. */
    private static void assertComplete(Checkpoint cp) throws IOException {
        Map<String, Tensor> params = CheckpointCrashChild.parameters();
        CheckpointCrashChild.Counter counter = new CheckpointCrashChild.Counter();
        cp.restore(Map.of("model", new ParameterState(() -> params), "counter", counter));
        assertEquals(cp.step(), counter.value, cp.directory().toString());
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray v = e.getValue().value();
            assertEquals(cp.step(), v.minNumber().doubleValue(), 0.0, e.getKey());
            assertEquals(cp.step(), v.maxNumber().doubleValue(), 0.0, e.getKey());
        }
    }

    private static long saves(Path out) throws IOException {
        if (!Files.exists(out)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(out)) {
            return lines.filter(l -> l.startsWith("saved ")).count();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
