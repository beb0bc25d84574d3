package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Proves the library works without {@code --add-modules jdk.incubator.vector}: the Surefire
 * execution {@code without-vector-api} (prefalign-core/pom.xml) runs this class alone in a JVM
 * without the module and sets {@code prefalign.test.withoutVectorApi}; elsewhere it is skipped.
 */
class KernelSelectionWithoutVectorApiTest {

    @Test
    void theScalarKernelIsChosenAndCorrect() {
        assumeTrue(Boolean.getBoolean("prefalign.test.withoutVectorApi"),
                "runs in the without-vector-api Surefire execution");
        assertFalse(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "this execution's JVM must not have the incubator module");
        assertFalse(TokenLogProbKernels.vectorApiAvailable());
        assertEquals("scalar", TokenLogProbKernels.select().name());
        HostTokenLogProbKernel k = TokenLogProbKernels.host(2, -100);
        assertEquals("scalar", k.name());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> TokenLogProbKernels.vector(1, -100));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"));

        INDArray logits = TokenLogProbKernelTest.randomLogits(DataType.FLOAT, 50, 2, 3, 3000, 3.0);
        INDArray targets = TokenLogProbKernelTest.randomTargets(51, 2, 3, 3000);
        INDArray u = TokenLogProbKernelTest.randomUpstream(DataType.FLOAT, 52, 2, 3);
        TwoPassReference ref = TokenLogProbKernelTest.reference(logits, targets, u);
        TokenLogProbs out = k.forward(logits, targets);
        TokenLogProbKernelTest.assertClose(ref.logp, out.logp(), 1e-5, 1e-6, "logp");
        TokenLogProbKernelTest.assertClose(ref.grad, k.backward(logits, targets, out.lse(), u), 1e-6, 1e-5, "grad");
    }
}
