package org.prefalign.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenDistributionTest {

    /** Logits of the probabilities 0.5, 0.25, 0.15, 0.1 (in a shuffled id order). */
    private static final double[] LOGITS = {Math.log(0.15), Math.log(0.5), Math.log(0.1), Math.log(0.25)};

    private static SamplingConfig config() {
        return SamplingConfig.sample(1.0, 10, 1);
    }

    private static void assertProbabilities(double[] want, TokenDistribution d) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], d.probability(i), 1e-12, "token " + i);
        }
    }

    @Test
    void temperatureOneIsTheSoftmax() {
        assertProbabilities(new double[] {0.15, 0.5, 0.1, 0.25}, TokenDistribution.of(LOGITS, config()));
    }

    @Test
    void temperatureSharpensAndFlattens() {
        // p^(1/T) renormalised
        double[] p = {0.15, 0.5, 0.1, 0.25};
        double z = 0;
        for (double x : p) {
            z += x * x;
        }
        TokenDistribution d = TokenDistribution.of(LOGITS, SamplingConfig.sample(0.5, 10, 1));
        for (int i = 0; i < 4; i++) {
            assertEquals(p[i] * p[i] / z, d.probability(i), 1e-12);
        }
    }

    @Test
    void topKKeepsTheKMostProbable() {
        assertProbabilities(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, TokenDistribution.of(LOGITS, config().withTopK(2)));
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        // 0.5 < 0.7, 0.5 + 0.25 = 0.75 >= 0.7: keep two
        assertProbabilities(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, TokenDistribution.of(LOGITS, config().withTopP(0.7)));
        // exactly reaching p stops there: 0.5 + 0.25 = 0.75
        assertProbabilities(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, TokenDistribution.of(LOGITS, config().withTopP(0.75)));
        // p below the top probability keeps only the top token
        assertProbabilities(new double[] {0, 1, 0, 0}, TokenDistribution.of(LOGITS, config().withTopP(0.3)));
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTop() {
        // threshold 0.4 * 0.5 = 0.2: keep 0.5 and 0.25
        assertProbabilities(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, TokenDistribution.of(LOGITS, config().withMinP(0.4)));
    }

    @Test
    void filtersChainOnRenormalisedDistributions() {
        // top-k 3 leaves 0.5, 0.25, 0.15 (sum 0.9); top-p 0.8 on that: 0.556 + 0.278 = 0.833 >= 0.8 keeps two
        assertProbabilities(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75},
                TokenDistribution.of(LOGITS, config().withTopK(3).withTopP(0.8)));
        // without top-k, top-p 0.8 needs three: 0.5 + 0.25 = 0.75 < 0.8
        assertProbabilities(new double[] {0.15 / 0.9, 0.5 / 0.9, 0, 0.25 / 0.9},
                TokenDistribution.of(LOGITS, config().withTopP(0.8)));
    }

    @Test
    void samplingFrequenciesFollowTheDistribution() {
        TokenDistribution d = TokenDistribution.of(LOGITS, config());
        SplittableRandom rng = new SplittableRandom(5);
        int n = 40000;
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[d.sample(rng)]++;
        }
        double[] p = {0.15, 0.5, 0.1, 0.25};
        for (int i = 0; i < 4; i++) {
            double sd = Math.sqrt(n * p[i] * (1 - p[i]));
            assertEquals(n * p[i], counts[i], 5 * sd, "token " + i);
        }
    }

    @Test
    void greedyTakesTheLowestIdAmongTies() {
        assertEquals(1, TokenDistribution.argmax(new double[] {0, 3, 1, 3}));
    }

    @Test
    void badConfigsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.sample(-1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> config().withTopP(0));
        assertThrows(IllegalArgumentException.class, () -> config().withTopK(-1));
        assertThrows(IllegalArgumentException.class, () -> config().withMinP(1.5));
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.greedy(0));
    }

    @Test
    void rankingIsTheTopKOfAFullSortWithTiesByLowerId() {
        java.util.Random rng = new java.util.Random(3);
        for (int trial = 0; trial < 50; trial++) {
            double[] x = new double[1 + rng.nextInt(60)];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextInt(8) == 0 ? Double.NEGATIVE_INFINITY : rng.nextInt(6); // many ties
            }
            Integer[] sorted = new Integer[x.length];
            for (int i = 0; i < x.length; i++) {
                sorted[i] = i;
            }
            java.util.Arrays.sort(sorted, (a, b) -> x[a] != x[b] ? Double.compare(x[b], x[a]) : Integer.compare(a, b));
            for (int k : new int[] {1, Math.max(1, x.length / 3), x.length}) {
                int[] want = new int[k];
                for (int i = 0; i < k; i++) {
                    want[i] = sorted[i];
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(want, TokenDistribution.ranking(x, k),
                        java.util.Arrays.toString(x) + " k=" + k);
            }
        }
    }
}
