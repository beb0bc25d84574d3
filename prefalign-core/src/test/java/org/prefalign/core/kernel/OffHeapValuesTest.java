package org.prefalign.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class OffHeapValuesTest {

    @Test
    void readsAViewAtItsOffsetAcrossSmallWindows() {
        INDArray all = Nd4j.arange(0, 3 * 5000).castTo(DataType.FLOAT).reshape(3, 5000);
        INDArray row = all.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()); // a view at offset 5000
        assertTrue(OffHeapValues.isContiguous(row));
        OffHeapValues v = OffHeapValues.of(row, 1000); // chunks straddle window ends
        float[] chunk = new float[ChunkedValues.CHUNK];
        for (long from = 0; from < row.length(); from += chunk.length) {
            int n = (int) Math.min(chunk.length, row.length() - from);
            v.read(from, chunk, n);
            for (int i = 0; i < n; i++) {
                assertEquals(5000 + from + i, chunk[i], 0f);
            }
        }
        assertEquals(9999.0, v.get(4999), 0.0);
        assertThrows(IndexOutOfBoundsException.class, () -> v.read(9990, chunk, 20));
    }

    @Test
    void writesLandInTheArrayInBothTypes() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.zeros(type, 2, 3000);
            OffHeapValues v = OffHeapValues.of(a, 700);
            double[] src = new double[2048];
            for (int i = 0; i < src.length; i++) {
                src[i] = i + 0.5;
            }
            v.write(1000, src, 2048);
            assertEquals(1000.5, a.getDouble(0, 2000), 0.0);
            assertEquals(2047.5, a.getDouble(1, 47), 0.0);
            double[] back = new double[2048];
            v.read(1000, back, 2048);
            assertArrayEquals(src, back, 0.0);
        }
    }

    @Test
    void nonContiguousArraysAreCopiedOrRefused() {
        INDArray t = Nd4j.rand(DataType.FLOAT, 4, 6).transpose();
        assertFalse(OffHeapValues.isContiguous(t));
        assertThrows(IllegalArgumentException.class, () -> OffHeapValues.of(t));
        INDArray c = OffHeapValues.contiguous(t);
        assertTrue(OffHeapValues.isContiguous(c));
        assertEquals(t, c);
        assertThrows(IllegalArgumentException.class, () -> OffHeapValues.of(Nd4j.zeros(DataType.INT32, 3)));
    }
}
