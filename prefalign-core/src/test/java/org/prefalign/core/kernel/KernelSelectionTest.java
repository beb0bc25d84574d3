package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * In the default test JVM (started with {@code --add-modules jdk.incubator.vector}) the Vector API
 * kernel is the one chosen. Its counterpart without the module is
 * {@link KernelSelectionWithoutVectorApiTest}, run by its own Surefire execution.
 */
class KernelSelectionTest {

    @Test
    void theVectorKernelIsChosenWhenTheModuleIsPresent() {
        assumeTrue(TokenLogProbKernels.onCpuBackend(), "on a device backend see DeviceBackendKernelTest");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the default test JVM runs with --add-modules jdk.incubator.vector");
        assertTrue(TokenLogProbKernels.vectorApiAvailable());
        assertEquals("vector", TokenLogProbKernels.select().name());
        assertEquals("vector", TokenLogProbKernels.host(2, -100).name());
        assertEquals("nd4j", TokenLogProbKernels.nd4j(-100).name());
        assertEquals(Runtime.getRuntime().availableProcessors(),
                ((HostTokenLogProbKernel) TokenLogProbKernels.select()).threads());
    }
}
