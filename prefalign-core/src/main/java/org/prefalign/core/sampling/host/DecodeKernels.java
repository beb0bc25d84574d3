package org.prefalign.core.sampling.host;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses a {@link DecodeKernel}: the Vector API one when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, else the plain Java one. The vector class is only
 * ever loaded by name, after checking that the module is present, so the library runs without it.
 */
public final class DecodeKernels {

    private static final String VECTOR_KERNEL = "org.prefalign.core.sampling.host.VectorDecodeKernel";
    private static final Optional<Supplier<DecodeKernel>> VECTOR = loadVector();

    private DecodeKernels() {
    }

    /** The fastest kernel available: {@link #vector()} when it links, else {@link #scalar()}. */
    public static DecodeKernel select() {
        return VECTOR.isPresent() ? vector() : scalar();
    }

    /**
     * The Vector API kernel.
     *
     * @throws UnsupportedOperationException when the JVM lacks {@code --add-modules jdk.incubator.vector}
     */
    public static DecodeKernel vector() {
        return VECTOR.orElseThrow(() -> new UnsupportedOperationException(
                "the Vector API decode kernel needs the JVM option --add-modules jdk.incubator.vector")).get();
    }

    /** The plain Java kernel. */
    public static DecodeKernel scalar() {
        return new ScalarDecodeKernel();
    }

    /** Whether the Vector API module is present and the vector kernel linked. */
    public static boolean vectorApiAvailable() {
        return VECTOR.isPresent();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Supplier<DecodeKernel>> loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.empty();
        }
        try {
            Supplier<DecodeKernel> kernels = (Supplier<DecodeKernel>) Class.forName(VECTOR_KERNEL)
                    .getDeclaredMethod("factory").invoke(null);
            kernels.get(); // links FloatVector now rather than in the middle of a generation
            return Optional.of(kernels);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
