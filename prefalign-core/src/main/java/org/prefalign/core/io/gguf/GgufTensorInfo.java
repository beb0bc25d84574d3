package org.prefalign.core.io.gguf;

/**
 * One tensor's entry in a GGUF header.
 *
 * @param name        the tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims        the dimensions as GGUF stores them, innermost (fastest-varying) first: a
 *                    weight of a linear map from {@code in} to {@code out} features has dims
 *                    {@code [in, out]}, i.e. its row-major array is {@code [out][in]}
 * @param type        the element type
 * @param offset      the start of the tensor's bytes relative to the start of the data section
 * @param byteSize    how many bytes the tensor's data occupies
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    /** A copy of the dimensions, innermost first. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The number of elements, the product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && java.util.Arrays.equals(dims, t.dims)
                && type == t.type && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + java.util.Arrays.toString(dims) + " @" + offset;
    }
}
