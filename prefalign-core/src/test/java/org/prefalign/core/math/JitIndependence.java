package org.prefalign.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Checks that a computation's bits do not depend on the JIT. A child JVM runs it with
 * {@code -Xint}: every bytecode interpreted, every Vector API operation on its Java fallback.
 * This JVM then runs it many times while the JIT compiles it (C1, then C2 with the Vector API
 * intrinsics), and every run must give the interpreted bits.
 *
 * <p>A probe builds its own inputs deterministically and returns its outputs (floats widen
 * exactly); it needs a no-argument constructor (it may be a private nested class). The child's
 * main is this class's.
 */
public final class JitIndependence {

    private JitIndependence() {
    }

    /**
     * @param probe a computation with fixed inputs
     * @param runs  how many times this JVM runs it: enough for C2 to compile the code it calls
     */
    public static void assertSameBitsInterpretedAndCompiled(Class<? extends Supplier<double[]>> probe, int runs)
            throws IOException, InterruptedException {
        long[] interpreted = interpreted(probe);
        Supplier<double[]> p = instance(probe.getName());
        for (int run = 0; run < runs; run++) {
            double[] got = p.get();
            assertEquals(interpreted.length, got.length, "outputs of " + probe.getSimpleName());
            for (int i = 0; i < got.length; i++) {
                if (Double.doubleToRawLongBits(got[i]) != interpreted[i]) {
                    fail(probe.getSimpleName() + " run " + run + ": output " + i + " is " + got[i] + ", interpreted "
                            + Double.longBitsToDouble(interpreted[i]));
                }
            }
        }
    }

    /** n floats of scale · N(0, 1) from a seed: a probe's inputs. */
    public static float[] gaussians(long seed, int n, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * random.nextGaussian());
        }
        return x;
    }

    /** The arrays one after the other, widened: a probe's outputs. */
    public static double[] outputs(float[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(a -> IntStream.range(0, a.length).mapToDouble(i -> a[i])).toArray();
    }

    /** The child JVM: prints the probe's outputs as raw bits in hex, one per line. */
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (double v : instance(args[0]).get()) {
            out.append(Long.toHexString(Double.doubleToRawLongBits(v))).append('\n');
        }
        System.out.print(out);
    }

    private static long[] interpreted(Class<?> probe) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path errors = Files.createTempFile("jit-independence", ".err");
        try {
            Process child = new ProcessBuilder(List.of(java, "-Xint", "-Xmx512m", "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), JitIndependence.class.getName(), probe.getName()))
                    .redirectError(errors.toFile()).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(0, child.waitFor(), () -> "the -Xint child for " + probe.getSimpleName() + " failed: "
                    + readQuietly(errors));
            return out.lines().mapToLong(line -> Long.parseUnsignedLong(line, 16)).toArray();
        } finally {
            Files.delete(errors);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(its error output could not be read: " + e + ")";
        }
    }

    @SuppressWarnings("unchecked")
    private static Supplier<double[]> instance(String name) {
        try {
            Constructor<?> c = Class.forName(name).getDeclaredConstructor();
            c.setAccessible(true);
            return (Supplier<double[]>) c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("probe " + name + " needs a no-argument constructor", e);
        }
    }
}
