package org.prefalign.core.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential and the sum of lanes of the Vector API kernels, built only from operations
 * that IEEE 754 and the Java specification define to the bit (lane-wise add, subtract, multiply,
 * fused multiply-add, min, max, comparisons, integer shifts, permutations), so that a kernel
 * gives the same bits interpreted as after the JIT has compiled it, on every JDK.
 *
 * <p>The Vector API's own forms do not: {@code lanewise(VectorOperators.EXP)} runs
 * {@link Math#exp} lane by lane when interpreted and a vectorised math library once C2 compiles
 * it (on JDK 17, x86, 44,025 of 12.8 million lanes differed in the last bit), and
 * {@code reduceLanes(VectorOperators.ADD)} on floats adds in "an arbitrary order of operations,
 * which may even vary over time" (its Javadoc): on JDK 25, x86, the interpreter adds lanes
 * 0, 1, 2, … and C2 pairwise. Either made a training step's loss depend on how far the JIT had
 * got. ({@code reduceLanes} with {@code MAX} or {@code MIN} is exact in any order and stays.)
 *
 * <p>This class names {@code jdk.incubator.vector} types: only the vector kernels, themselves
 * loaded only when that module is present, may refer to it.
 */
public final class VectorMath {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Rotations by L/2, L/4, …, 1 lanes: the steps of {@link #sum}. */
    private static final VectorShuffle<Float>[] HALVINGS = halvings();

    /** e^x rounds to 0 below about −103.97 (half the least subnormal); clamping here keeps n ≥ −150. */
    private static final float LOWEST = -104f;
    /** e^x overflows above about 88.72; clamping here keeps n ≤ 128 and still overflows to +∞. */
    private static final float HIGHEST = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HIGH + LN2_LOW; LN2_HIGH has 9 significant bits, so n·LN2_HIGH is exact for |n| &lt; 2^15. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: t + ROUNDING rounds t (|t| &lt; 2^22) to an integer, held in the low mantissa bits. */
    private static final float ROUNDING = 12582912f;
    private static final int ROUNDING_BITS = Float.floatToRawIntBits(ROUNDING);

    private VectorMath() {
    }

    /**
     * e^x lane-wise, the Cephes {@code expf} scheme (S. L. Moshier, Cephes Math Library, 1989;
     * Cody &amp; Waite, "Software Manual for the Elementary Functions", 1980): x = n·ln 2 + r with
     * n = round(x·log₂e) and |r| ≤ ln 2 / 2 (ln 2 split in two so that r is exact to float), then
     * e^r = 1 + r + r²·P(r) with Moshier's degree-5 P, then scaled by 2^n as 2^⌊n/2⌋·2^(n−⌊n/2⌋)
     * built in the exponent bits, so that subnormal results are rounded once and overflow gives
     * +∞.
     *
     * <p>Accuracy, measured against {@link Math#exp} over all 2^32 float inputs: at most
     * 1.02 ulp of the float nearest e^x (worst 1.0103 ulp at x = −5.8778844), subnormal results
     * included; +∞ exactly where e^x rounds to +∞ (x &gt; 88.72284), 0 exactly where it rounds to
     * 0 (x &lt; −103.97208, −∞ included), NaN for NaN, and e^0 = 1.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(LOWEST).min(HIGHEST); // NaN stays NaN
        FloatVector shifted = clamped.fma(LOG2E, ROUNDING);
        FloatVector n = shifted.sub(ROUNDING);
        FloatVector r = n.fma(x.broadcast(-LN2_HIGH), clamped);
        r = n.fma(x.broadcast(-LN2_LOW), r);
        FloatVector p = x.broadcast(1.9875691500e-4f)
                .fma(r, x.broadcast(1.3981999507e-3f))
                .fma(r, x.broadcast(8.3334519073e-3f))
                .fma(r, x.broadcast(4.1665795894e-2f))
                .fma(r, x.broadcast(1.6666665459e-1f))
                .fma(r, x.broadcast(5.0000001201e-1f));
        FloatVector er = p.fma(r.mul(r), r).add(1f); // adding 1 last keeps r's low bits
        IntVector twoN = shifted.reinterpretAsInts().sub(ROUNDING_BITS);
        IntVector half = twoN.lanewise(VectorOperators.ASHR, 1);
        return er.mul(powerOfTwo(half)).mul(powerOfTwo(twoN.sub(half)));
    }

    /** 2^k lane-wise for −126 ≤ k ≤ 127 (here −75 ≤ k ≤ 64). */
    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * The sum of the lanes of a {@link FloatVector#SPECIES_PREFERRED} vector in one fixed order,
     * a balanced tree: with L lanes, lane i is added to lane i + L/2, then the first L/2 lanes
     * are summed the same way. A few rotations and adds, about as fast as
     * {@code reduceLanes(ADD)} once compiled.
     */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> rotation : HALVINGS) {
            v = v.add(v.rearrange(rotation));
        }
        return v.lane(0);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halvings() {
        int steps = Integer.numberOfTrailingZeros(SPECIES.length());
        VectorShuffle<Float>[] rotations = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            rotations[s] = VectorShuffle.iota(SPECIES, SPECIES.length() >> (s + 1), 1, true);
        }
        return rotations;
    }
}
