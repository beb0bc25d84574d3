package org.prefalign.core.kernel;

/**
 * A flat run of floating-point values that the host kernels read and write a chunk at a time:
 * an ND4J off-heap buffer ({@link OffHeapValues}) or a Java {@code float[]} ({@link HeapFloats}).
 *
 * <p>Kernels never touch a whole tensor at once: they copy {@link #CHUNK} values into a small
 * reused array, which stays in the L1 cache while every pass over it runs, so each value crosses
 * the memory bus once. Indices are element indices from the start of the run. An instance keeps
 * cursor state and belongs to one thread.
 */
public interface ChunkedValues {

    /** Values per chunk: 8 KiB of floats, a quarter of a typical L1 data cache. */
    int CHUNK = 2048;

    /** Copies {@code len} values starting at {@code index} into {@code dst[0, len)}. */
    void read(long index, float[] dst, int len);

    /** Copies {@code len} values starting at {@code index} into {@code dst[0, len)}, widened. */
    void read(long index, double[] dst, int len);

    /** Stores {@code src[0, len)} at {@code index}. */
    void write(long index, float[] src, int len);

    /** Stores {@code src[0, len)} at {@code index}, rounded to the run's type. */
    void write(long index, double[] src, int len);

    /** The value at {@code index}. */
    double get(long index);
}
