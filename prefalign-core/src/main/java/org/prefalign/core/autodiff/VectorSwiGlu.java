package org.prefalign.core.autodiff;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.prefalign.core.math.VectorMath;

/**
 * {@link SwiGlu} on the CPU with the Vector API, float32; backward recomputes σ(gate). Every
 * element takes the same lane arithmetic, the last partial vector through zero-padded copies, and
 * e^x is {@link VectorMath#exp}, so the bits depend neither on an element's position nor on the
 * JIT.
 */
final class VectorSwiGlu {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorSwiGlu() {
    }

    /** h = gate · σ(gate) · up. */
    static void forward(float[] gate, float[] up, float[] h) {
        int i = 0;
        for (int bound = SPECIES.loopBound(gate.length); i < bound; i += L) {
            forward(gate, up, h, i);
        }
        if (i < gate.length) {
            float[] out = new float[L];
            forward(tail(gate, i), tail(up, i), out, 0);
            System.arraycopy(out, 0, h, i, gate.length - i);
        }
    }

    /** dgate = g · up · σ(1 + gate(1 − σ)), dup = g · gate · σ (overwritten). */
    static void backward(float[] gate, float[] up, float[] g, float[] dGate, float[] dUp) {
        int i = 0;
        for (int bound = SPECIES.loopBound(gate.length); i < bound; i += L) {
            backward(gate, up, g, dGate, dUp, i);
        }
        if (i < gate.length) {
            float[] dg = new float[L];
            float[] du = new float[L];
            backward(tail(gate, i), tail(up, i), tail(g, i), dg, du, 0);
            System.arraycopy(dg, 0, dGate, i, gate.length - i);
            System.arraycopy(du, 0, dUp, i, gate.length - i);
        }
    }

    private static void forward(float[] gate, float[] up, float[] h, int i) {
        FloatVector x = FloatVector.fromArray(SPECIES, gate, i);
        sigmoid(x).mul(x).mul(FloatVector.fromArray(SPECIES, up, i)).intoArray(h, i);
    }

    private static void backward(float[] gate, float[] up, float[] g, float[] dGate, float[] dUp, int i) {
        FloatVector x = FloatVector.fromArray(SPECIES, gate, i);
        FloatVector s = sigmoid(x);
        FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
        gv.mul(x).mul(s).intoArray(dUp, i);
        FloatVector slope = s.mul(x.mul(s.neg().add(1f)).add(1f));
        gv.mul(FloatVector.fromArray(SPECIES, up, i)).mul(slope).intoArray(dGate, i);
    }

    /** x[from..] as one vector's worth, zero-padded. */
    private static float[] tail(float[] x, int from) {
        return Arrays.copyOfRange(x, from, from + L);
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(VectorMath.exp(x.neg()).add(1f));
    }
}
