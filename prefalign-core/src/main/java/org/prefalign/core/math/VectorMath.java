package org.prefalign.core.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential and the sum of lanes of the Vector API kernels, built only from operations
 * that IEEE 754 and the Java specification define to the bit (lane-wise float add, subtract,
 * multiply, fused multiply-add and max; integer add, min and shift; lane permutations), so that a
 * kernel gives the same bits interpreted as after the JIT has compiled it, on every JDK. The price:
 * once compiled, {@link #exp} takes about three times as long as the intrinsic it replaces
 * (0.5 against 0.17 ns per float on an AVX-512 core).
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
    /** Lanes: 2 to 64 floats, a power of two. */
    private static final int L = SPECIES.length();
    /* Rotations by 32, 16, …, 1 lanes, the steps of sum (those of L lanes or more unused). */
    private static final VectorShuffle<Float> ROTATE_32 = VectorShuffle.iota(SPECIES, 32, 1, true);
    private static final VectorShuffle<Float> ROTATE_16 = VectorShuffle.iota(SPECIES, 16, 1, true);
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(SPECIES, 8, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(SPECIES, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(SPECIES, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(SPECIES, 1, 1, true);

    /**
     * x ≤ −87 has n = −126, which the scale 2^(n−1) built below turns into +0: e^x &lt; 2^−125.5
     * flushes to 0. Clamping to it keeps r small and maps −∞ to 0.
     */
    private static final float LOWEST = -87f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HIGH + LN2_LOW; LN2_HIGH has 9 significant bits, so n·LN2_HIGH is exact for |n| &lt; 2^15. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: t + ROUNDING rounds t (|t| &lt; 2^22) to an integer n, held in the low mantissa bits. */
    private static final float ROUNDING = 12582912f;
    private static final int ROUNDING_BITS = Float.floatToRawIntBits(ROUNDING);
    /** n = 129 (x ≥ 89.07, +∞ and any x too large for the rounding) scales by +∞. */
    private static final int HIGHEST_BITS = ROUNDING_BITS + 129;
    /*
     * 2·(e^r − 1 − r)/r² ≈ C0 + C1·r + … + C4·r⁴ on |r| ≤ ln 2 / 2: twice a Chebyshev fit of degree
     * 4 (mpmath's chebyfit), whose relative error in e^r is below 1.1·10^−8 before rounding.
     */
    private static final float C0 = 2 * 0.5f;
    private static final float C1 = 2 * 0.16666577025597988f;
    private static final float C2 = 2 * 0.041666554662050534f;
    private static final float C3 = 2 * 0.0083631730745137109f;
    private static final float C4 = 2 * 0.0013926176119935579f;

    private VectorMath() {
    }

    /**
     * e^x lane-wise by Cody &amp; Waite's reduction ("Software Manual for the Elementary Functions",
     * 1980): x = n·ln 2 + r with n = round(x·log₂e), |r| ≤ ln 2 / 2 (ln 2 split in two so that r
     * is exact to float); then 2·e^r = 2 + 2r + r²·(C0 + C1·r + … + C4·r⁴) by Horner's rule in fused
     * multiply-adds, times 2^(n−1) built in the exponent bits: one multiplication, which rounds once
     * and overflows to +∞ exactly where e^x does.
     *
     * <p>Accuracy, measured against {@link Math#exp} over all 2^32 float inputs: within 0.96 ulp of
     * e^x (worst 0.9511 ulp, at x = 16.289688) wherever e^x ≥ 2^−125.5 ≈ 1.66·10^−38; +∞ exactly
     * where e^x rounds to +∞ (x &gt; 88.72284); 0 below (x &lt; −86.99, −∞ included: a flush to zero
     * a little above the least normal float 1.18·10^−38, which no sum of probabilities notices);
     * NaN for NaN; e^0 = 1.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(LOWEST); // NaN stays NaN
        IntVector shifted = clamped.fma(LOG2E, ROUNDING).reinterpretAsInts().min(HIGHEST_BITS);
        FloatVector n = shifted.reinterpretAsFloats().sub(ROUNDING);
        FloatVector r = n.fma(x.broadcast(-LN2_HIGH), clamped);
        r = n.fma(x.broadcast(-LN2_LOW), r);
        FloatVector p = x.broadcast(C4).fma(r, x.broadcast(C3)).fma(r, x.broadcast(C2)).fma(r, x.broadcast(C1))
                .fma(r, x.broadcast(C0));
        FloatVector twice = p.fma(r, x.broadcast(2f)).fma(r, x.broadcast(2f)); // 2·e^r
        IntVector biased = shifted.sub(ROUNDING_BITS - 126); // n − 1 + 127 in [0, 255]: 0 gives +0, 255 gives +∞
        return twice.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /**
     * The sum of the lanes of a {@link FloatVector#SPECIES_PREFERRED} vector in one fixed order,
     * a balanced tree: with L lanes, lane i is added to lane i + L/2, then the first L/2 lanes
     * are summed the same way. log₂ L rotations and adds, about as fast as
     * {@code reduceLanes(ADD)} once compiled. (Written out, not looped, so that C2 keeps the
     * vector in registers.)
     */
    public static float sum(FloatVector v) {
        if (L > 32) {
            v = v.add(v.rearrange(ROTATE_32));
        }
        if (L > 16) {
            v = v.add(v.rearrange(ROTATE_16));
        }
        if (L > 8) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (L > 4) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (L > 2) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        return v.add(v.rearrange(ROTATE_1)).lane(0);
    }
}
