package org.prefalign.core.sampling.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --add-modules jdk.incubator.vector} the decoder selects the scalar kernel and
 * runs: checked in a child JVM started without the module (this test's own JVM has it).
 */
class DecodeKernelsWithoutVectorApiTest {

    /** The child's entry point: which kernel it selected, and a product it computed. */
    public static void main(String[] args) {
        DecodeKernel k = DecodeKernels.select();
        PackedLinear w = PackedLinear.pack(2, k.columnMultiple(), new float[][] {{1, 2, 3, 4}}, new float[1][]);
        float[] y = new float[w.stride()];
        k.matmul(new float[] {1, 10}, 2, 1, w, y); // W = [[1, 2], [3, 4]]: y = (21, 43)
        System.out.println(k.name() + " " + DecodeKernels.vectorApiAvailable() + " " + y[0] + " " + y[1]);
    }

    @Test
    void theScalarKernelIsSelectedAndWorks() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                DecodeKernelsWithoutVectorApiTest.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        assertEquals("scalar false 21.0 43.0", out);
    }
}
