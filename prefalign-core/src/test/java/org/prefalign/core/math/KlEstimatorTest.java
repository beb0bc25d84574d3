package org.prefalign.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KlEstimatorTest {

    private static JsonNode golden() throws IOException {
        String shared = System.getProperty("prefalign.shared", "/work/shared");
        return new ObjectMapper().readTree(Path.of(shared, "golden", "objectives-public.json").toFile()).get("kl");
    }

    private static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).doubleValue();
        }
        return d;
    }

    @Test
    void matchTheGoldenValues() throws IOException {
        JsonNode kl = golden();
        double[] logp = doubles(kl.get("logp"));
        double[] ref = doubles(kl.get("ref_logp"));
        for (KlEstimator k : KlEstimator.values()) {
            double[] want = doubles(kl.get(k.key()));
            assertEquals(logp.length, want.length);
            for (int i = 0; i < logp.length; i++) {
                assertEquals(want[i], k.value(logp[i], ref[i]), 1e-12, k.key() + "[" + i + "]");
            }
            double[] arrayValues = k.value(Nd4j.createFromArray(logp), Nd4j.createFromArray(ref)).toDoubleVector();
            for (int i = 0; i < logp.length; i++) {
                assertEquals(want[i], arrayValues[i], 1e-12, k.key() + " on arrays [" + i + "]");
            }
        }
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        double h = 1e-6;
        for (KlEstimator k : KlEstimator.values()) {
            for (double[] p : new double[][] {{-2.3, -2.1}, {-0.5, -3.0}, {-4.0, -0.2}, {-1.0, -1.0}}) {
                double fd = (k.value(p[0] + h, p[1]) - k.value(p[0] - h, p[1])) / (2 * h);
                assertEquals(fd, k.gradient(p[0], p[1]), 1e-8, k.key() + " at " + p[0] + ", " + p[1]);
            }
        }
    }

    @Test
    void k3IsAccurateWhenTheRatioIsCloseToOne() {
        // r − 1 − log r = x²/2 + x³/6 + x⁴/24 + ... for x = log r
        double x = 1e-6;
        double series = x * x / 2 + x * x * x / 6 + x * x * x * x / 24;
        assertEquals(series, KlEstimator.K3.value(-3.0, -3.0 + x), series * 1e-6);
        assertEquals(0.0, KlEstimator.K3.value(-2.0, -2.0));
        assertTrue(KlEstimator.K3.value(-50.0, -1.0) > 0, "k3 is never negative");
        assertTrue(Double.isFinite(KlEstimator.K3.value(0.0, -700.0)));
    }

    @Test
    void arraysKeepShapeAndTypeAndRejectBadInput() {
        INDArray logp = Nd4j.createFromArray(new float[][] {{-1f, -2f}, {-3f, -0.5f}});
        INDArray ref = Nd4j.createFromArray(new float[][] {{-1.5f, -2f}, {-2f, -0.25f}});
        INDArray g = KlEstimator.K2.gradient(logp, ref);
        assertEquals(DataType.FLOAT, g.dataType());
        assertEquals(0.5, g.getDouble(0, 0), 1e-7);
        assertEquals(-1.0, g.getDouble(1, 0), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> KlEstimator.K1.value(logp, ref.reshape(4)));
        INDArray bad = logp.dup();
        bad.putScalar(1, 1, Double.NaN);
        assertThrows(IllegalArgumentException.class, () -> KlEstimator.K3.value(bad, ref));
        assertSame(KlEstimator.K3, KlEstimator.of("K3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KlEstimator.of("kl"));
        assertTrue(e.getMessage().contains("k1, k2, k3"));
    }
}
