package org.prefalign.core.autodiff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link SwiGlu} on the CPU with the Vector API, float32; backward recomputes σ(gate). */
final class VectorSwiGlu {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorSwiGlu() {
    }

    /** h = gate · σ(gate) · up. */
    static void forward(float[] gate, float[] up, float[] h) {
        int bound = SPECIES.loopBound(gate.length);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, gate, i);
            sigmoid(x).mul(x).mul(FloatVector.fromArray(SPECIES, up, i)).intoArray(h, i);
        }
        for (; i < gate.length; i++) {
            float s = (float) (1 / (1 + Math.exp(-gate[i])));
            h[i] = gate[i] * s * up[i];
        }
    }

    /** dgate = g · up · σ(1 + gate(1 − σ)), dup = g · gate · σ (overwritten). */
    static void backward(float[] gate, float[] up, float[] g, float[] dGate, float[] dUp) {
        int bound = SPECIES.loopBound(gate.length);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, gate, i);
            FloatVector s = sigmoid(x);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            gv.mul(x).mul(s).intoArray(dUp, i);
            FloatVector slope = s.mul(x.mul(s.neg().add(1f)).add(1f));
            gv.mul(FloatVector.fromArray(SPECIES, up, i)).mul(slope).intoArray(dGate, i);
        }
        for (; i < gate.length; i++) {
            float s = (float) (1 / (1 + Math.exp(-gate[i])));
            dUp[i] = g[i] * gate[i] * s;
            dGate[i] = g[i] * up[i] * s * (1 + gate[i] * (1 - s));
        }
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }
}
