package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How the fused ops with a CPU kernel (attention, RMSNorm, SwiGLU) compute. Both paths compute
 * the same function and are tested against each other; the array-op path's gradients are also
 * checked by finite differences in double.
 */
public enum Implementation {
    /** {@link #VECTOR} where it applies (CPU backend, float32, Vector API module present), else {@link #ARRAY_OPS}. */
    AUTO,
    /** ND4J array ops: every backend (CUDA included) and every floating type. */
    ARRAY_OPS,
    /** Java Vector API kernels over host copies of the operands: CPU, float32. */
    VECTOR;

    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /**
     * Whether an op over operands of this type runs the vector kernel.
     *
     * @throws IllegalArgumentException when {@code VECTOR} is asked for other than float32
     * @throws IllegalStateException when {@code VECTOR} is asked for without the Vector API module
     */
    boolean vectorFor(DataType type, String op) {
        return switch (this) {
            case AUTO -> VECTOR_MODULE && type == DataType.FLOAT && Nd4j.getEnvironment().isCPU();
            case ARRAY_OPS -> false;
            case VECTOR -> {
                if (type != DataType.FLOAT) {
                    throw new IllegalArgumentException("the vector " + op + " kernel computes float32, got " + type);
                }
                if (!VECTOR_MODULE) {
                    throw new IllegalStateException("the vector " + op + " kernel needs --add-modules jdk.incubator.vector");
                }
                yield true;
            }
        };
    }
}
