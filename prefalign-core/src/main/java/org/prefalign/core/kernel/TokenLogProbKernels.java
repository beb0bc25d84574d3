package org.prefalign.core.kernel;

import java.util.Optional;
import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Chooses and builds {@link TokenLogProbKernel}s.
 *
 * <ul>
 *   <li>{@link #vector}: the Vector API kernel, available when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector} (JDK 17 and later); about ten times the scalar
 *       kernel's speed, close to memory bandwidth.</li>
 *   <li>{@link #scalar}: plain Java, always available.</li>
 *   <li>{@link #nd4j}: ND4J ops only, for device backends (CUDA), where host loops would copy the
 *       logits off the device.</li>
 * </ul>
 *
 * <p>{@link #select} picks ND4J ops on a non-CPU backend, else the Vector API kernel when it
 * links, else the scalar one. The library loads and runs on JDK 17 to 25 without the incubator
 * module: the Vector API class is only ever loaded by name, after checking the module is present.
 */
public final class TokenLogProbKernels {

    private static final String VECTOR_ROW_KERNEL = "org.prefalign.core.kernel.VectorRowKernel";
    private static final Optional<Supplier<RowKernel>> VECTOR_ROWS = loadVectorRows();

    private TokenLogProbKernels() {
    }

    /** The fastest kernel for the current backend, on all available processors, ignore index -100. */
    public static TokenLogProbKernel select() {
        return select(Runtime.getRuntime().availableProcessors(), TokenLogProbKernel.DEFAULT_IGNORE_INDEX);
    }

    /** The fastest kernel for the current backend: {@link #nd4j} off the CPU, else {@link #host}. */
    public static TokenLogProbKernel select(int threads, int ignoreIndex) {
        return onCpuBackend() ? host(threads, ignoreIndex) : nd4j(ignoreIndex);
    }

    /** The fastest host kernel: {@link #vector} when the Vector API is available, else {@link #scalar}. */
    public static HostTokenLogProbKernel host(int threads, int ignoreIndex) {
        return vectorApiAvailable() ? vector(threads, ignoreIndex) : scalar(threads, ignoreIndex);
    }

    /**
     * The Vector API kernel.
     *
     * @throws UnsupportedOperationException when the JVM lacks {@code --add-modules jdk.incubator.vector}
     */
    public static HostTokenLogProbKernel vector(int threads, int ignoreIndex) {
        Supplier<RowKernel> rows = VECTOR_ROWS.orElseThrow(() -> new UnsupportedOperationException(
                "the Vector API kernel needs the JVM option --add-modules jdk.incubator.vector"));
        return new HostTokenLogProbKernel("vector", rows, threads, ignoreIndex);
    }

    /** The plain Java kernel. */
    public static HostTokenLogProbKernel scalar(int threads, int ignoreIndex) {
        return new HostTokenLogProbKernel("scalar", ScalarRowKernel::new, threads, ignoreIndex);
    }

    /** The ND4J-ops kernel (correct on any backend; meant for device backends). */
    public static Nd4jTokenLogProbKernel nd4j(int ignoreIndex) {
        return new Nd4jTokenLogProbKernel(ignoreIndex);
    }

    /** Whether the Vector API module is present and the vector kernel linked. */
    public static boolean vectorApiAvailable() {
        return VECTOR_ROWS.isPresent();
    }

    /** Whether ND4J computes on the CPU (where host kernels read its buffers in place). */
    public static boolean onCpuBackend() {
        return Nd4j.getEnvironment().isCPU();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Supplier<RowKernel>> loadVectorRows() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.empty();
        }
        try {
            Supplier<RowKernel> rows = (Supplier<RowKernel>) Class.forName(VECTOR_ROW_KERNEL)
                    .getDeclaredMethod("factory").invoke(null);
            rows.get(); // links FloatVector now rather than in the middle of a training step
            return Optional.of(rows);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
