package org.prefalign.core.kernel;

/** {@link ChunkedValues} over a Java {@code float[]}, starting at {@code offset}. */
final class HeapFloats implements ChunkedValues {

    private final float[] array;
    private final int offset;

    HeapFloats(float[] array, int offset) {
        this.array = array;
        this.offset = offset;
    }

    @Override
    public void read(long index, float[] dst, int len) {
        System.arraycopy(array, offset + (int) index, dst, 0, len);
    }

    @Override
    public void read(long index, double[] dst, int len) {
        int from = offset + (int) index;
        for (int i = 0; i < len; i++) {
            dst[i] = array[from + i];
        }
    }

    @Override
    public void write(long index, float[] src, int len) {
        System.arraycopy(src, 0, array, offset + (int) index, len);
    }

    @Override
    public void write(long index, double[] src, int len) {
        int from = offset + (int) index;
        for (int i = 0; i < len; i++) {
            array[from + i] = (float) src[i];
        }
    }

    @Override
    public double get(long index) {
        return array[offset + (int) index];
    }
}
