package org.prefalign.core.io.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  the tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the element type
 * @param shape the shape, outermost first (PyTorch order: a linear weight is {@code [out, in]})
 * @param begin the first byte of the data, relative to the end of the header
 * @param end   one past the last byte, relative to the end of the header
 */
public record SafetensorsTensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

    public SafetensorsTensorInfo {
        shape = shape.clone();
    }

    /** A copy of the shape, outermost first. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
