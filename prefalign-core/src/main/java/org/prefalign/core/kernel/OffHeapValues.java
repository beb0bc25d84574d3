package org.prefalign.core.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ChunkedValues} over the off-heap buffer of a C-contiguous FLOAT or DOUBLE
 * {@link INDArray}, without copying the tensor.
 *
 * <p>Reads and writes go through NIO buffers mapped onto windows of at most {@value #WINDOW}
 * elements (NIO buffers are int-indexed; tensors may be larger), so a chunk copy is a bulk
 * {@code get}/{@code put}. {@code data().asFloat()} would copy the whole tensor onto the heap
 * first; {@code FloatVector.fromByteBuffer} no longer exists after JDK 19. One instance per
 * thread: the mapped window is cursor state.
 */
public final class OffHeapValues implements ChunkedValues {

    /** Elements per mapped window. */
    static final long WINDOW = 1L << 26;

    private final INDArray owner;
    private final Pointer first;
    private final long length;
    private final boolean doubles;
    private final long window;
    private long windowStart;
    private long windowEnd = -1; // nothing mapped yet
    private FloatBuffer floatWindow;
    private DoubleBuffer doubleWindow;

    private OffHeapValues(INDArray owner, long window) {
        this.owner = owner;
        this.first = owner.data().addressPointer();
        this.length = owner.length();
        this.doubles = owner.dataType() == DataType.DOUBLE;
        this.window = window;
    }

    /**
     * The elements of {@code a} in C order, element 0 first.
     *
     * @throws IllegalArgumentException if {@code a} is not FLOAT or DOUBLE, or not C-contiguous
     *                                  (see {@link #contiguous(INDArray)})
     */
    public static OffHeapValues of(INDArray a) {
        return of(a, WINDOW);
    }

    /** As {@link #of(INDArray)} with windows of {@code window} elements (tests use small ones). */
    static OffHeapValues of(INDArray a, long window) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("off-heap access needs a FLOAT or DOUBLE array, got " + a.dataType());
        }
        if (!isContiguous(a)) {
            throw new IllegalArgumentException("off-heap access needs a C-contiguous array, got shape "
                    + Arrays.toString(a.shape()) + " with strides " + Arrays.toString(a.stride()));
        }
        // On device backends the host copy must be current before it is read.
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        return new OffHeapValues(a, window);
    }

    /** {@code a} itself when it is C-contiguous, else a C-ordered copy. */
    public static INDArray contiguous(INDArray a) {
        return isContiguous(a) ? a : a.dup('c');
    }

    /** Whether {@code a}'s elements lie in C order with no gaps (a view at an offset qualifies). */
    public static boolean isContiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Declares that {@code a}'s host copy was written, so device backends copy it over. */
    public static void markWritten(INDArray a) {
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }

    /** The array these values belong to (kept reachable while its memory is in use). */
    public INDArray array() {
        return owner;
    }

    @Override
    public void read(long index, float[] dst, int len) {
        int at = map(index, len);
        if (doubles) {
            for (int i = 0; i < len; i++) {
                dst[i] = (float) doubleWindow.get(at + i);
            }
        } else {
            floatWindow.get(at, dst, 0, len);
        }
    }

    @Override
    public void read(long index, double[] dst, int len) {
        int at = map(index, len);
        if (doubles) {
            doubleWindow.get(at, dst, 0, len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[i] = floatWindow.get(at + i);
            }
        }
    }

    @Override
    public void write(long index, float[] src, int len) {
        int at = map(index, len);
        if (doubles) {
            for (int i = 0; i < len; i++) {
                doubleWindow.put(at + i, src[i]);
            }
        } else {
            floatWindow.put(at, src, 0, len);
        }
    }

    @Override
    public void write(long index, double[] src, int len) {
        int at = map(index, len);
        if (doubles) {
            doubleWindow.put(at, src, 0, len);
        } else {
            for (int i = 0; i < len; i++) {
                floatWindow.put(at + i, (float) src[i]);
            }
        }
    }

    @Override
    public double get(long index) {
        int at = map(index, 1);
        return doubles ? doubleWindow.get(at) : floatWindow.get(at);
    }

    /** The window position of {@code index}, remapping the window so that it holds [index, index + len). */
    private int map(long index, int len) {
        if (index < 0 || len < 0 || index + len > length) {
            throw new IndexOutOfBoundsException("[" + index + ", " + (index + len) + ") is outside [0, " + length + ")");
        }
        if (index < windowStart || index + len > windowEnd) {
            windowStart = index;
            windowEnd = Math.min(length, index + Math.max(window, len));
            if (doubles) {
                doubleWindow = new DoublePointer(first).position(windowStart).limit(windowEnd).asBuffer();
            } else {
                floatWindow = new FloatPointer(first).position(windowStart).limit(windowEnd).asBuffer();
            }
        }
        return (int) (index - windowStart);
    }
}
