package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * On a device backend ({@code mvn -Pcuda test} on a machine with a GPU) the ND4J-ops kernel is
 * chosen, so logits never leave the device, and it agrees with the host scalar kernel. On the
 * CPU backend (CI) these tests are skipped.
 */
class DeviceBackendKernelTest {

    @Test
    void aDeviceBackendSelectsTheNd4jKernelAndItAgreesWithTheHostKernel() {
        assumeFalse(TokenLogProbKernels.onCpuBackend(), "CPU backend: no device to test (run with -Pcuda on a GPU)");
        TokenLogProbKernel selected = TokenLogProbKernels.select();
        assertEquals("nd4j", selected.name());

        Nd4j.getRandom().setSeed(7);
        INDArray logits = Nd4j.randn(DataType.FLOAT, 2, 5, 4099).muli(4);
        INDArray targets = Nd4j.createFromArray(new int[][] {{0, 5, 4098, 17, 2048}, {3, 3, 1, 4000, 99}});
        TokenLogProbs device = selected.forward(logits, targets);
        TokenLogProbs host = TokenLogProbKernels.scalar(1, TokenLogProbKernel.DEFAULT_IGNORE_INDEX).forward(logits, targets);
        double[] d = device.logp().reshape(10).toDoubleVector();
        double[] h = host.logp().reshape(10).toDoubleVector();
        for (int i = 0; i < d.length; i++) {
            assertEquals(h[i], d[i], 1e-4 * Math.max(1, Math.abs(h[i])), "logp at flat position " + i);
        }
        INDArray upstream = Nd4j.ones(DataType.FLOAT, 2, 5);
        INDArray gd = selected.backward(logits, targets, device.lse(), upstream);
        INDArray gh = TokenLogProbKernels.scalar(1, TokenLogProbKernel.DEFAULT_IGNORE_INDEX)
                .backward(logits, targets, host.lse(), upstream);
        assertEquals(0.0, gd.sub(gh).norm2Number().doubleValue(), 1e-4);
    }
}
