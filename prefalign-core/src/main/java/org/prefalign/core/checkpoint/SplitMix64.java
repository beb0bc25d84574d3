package org.prefalign.core.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;

/**
 * SplitMix64 (Steele, Lea &amp; Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA
 * 2014, doi:10.1145/2660193.2660195), the algorithm of {@link java.util.SplittableRandom}, with
 * its state in the open so that a checkpoint can save and restore it: a run that resumes draws
 * exactly the numbers it would have drawn.
 *
 * <pre>
 *   seed ← seed + γ;   nextLong = mix64(seed)          (γ odd; 0x9e3779b97f4a7c15 for a new generator)
 *   split(): a child with seed nextLong() and γ = mixGamma(seed ← seed + γ)
 * </pre>
 * For the same seed it produces the same {@code nextLong}, {@code nextInt}, bounded
 * {@code nextInt}, {@code nextDouble} and {@code split} sequences as {@code new SplittableRandom(seed)}.
 * A training loop keeps one as its seed stream and seeds each stochastic step (a shuffle, a
 * sampler call) with {@link #nextLong()}. Not thread-safe.
 */
public final class SplitMix64 implements RandomGenerator, Checkpointable {

    /** The odd increment of a new generator: 2⁶⁴/φ. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private long gamma;

    /** A generator that produces what {@code new SplittableRandom(seed)} produces. */
    public SplitMix64(long seed) {
        this(seed, GOLDEN_GAMMA);
    }

    private SplitMix64(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    @Override
    public long nextLong() {
        return mix64(nextSeed());
    }

    @Override
    public int nextInt() {
        return mix32(nextSeed());
    }

    /** A new generator, statistically independent of this one, which advances by two draws. */
    public SplitMix64 split() {
        return new SplitMix64(nextLong(), mixGamma(nextSeed()));
    }

    /** {@code seed} and {@code gamma}: the whole state. */
    @Override
    public StateSnapshot saveState() {
        ObjectNode m = StateSnapshot.newMetadata();
        m.put("seed", seed);
        m.put("gamma", gamma);
        return StateSnapshot.of(m);
    }

    @Override
    public void restoreState(StateSnapshot state) {
        long s = state.longField("seed");
        long g = state.longField("gamma");
        if ((g & 1) == 0) {
            throw new IllegalArgumentException("metadata field 'gamma' must be odd, got " + g);
        }
        seed = s;
        gamma = g;
    }

    private long nextSeed() {
        return seed += gamma;
    }

    /** Stafford's "Mix13" variant of MurmurHash3's 64-bit finaliser. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Stafford's "Mix04" variant, upper 32 bits. */
    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    /** An odd gamma with enough bit transitions (MurmurHash3's finaliser, then forced odd). */
    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int transitions = Long.bitCount(z ^ (z >>> 1));
        return transitions < 24 ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
