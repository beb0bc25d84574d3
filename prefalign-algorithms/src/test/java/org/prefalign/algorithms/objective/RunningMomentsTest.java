package org.prefalign.algorithms.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunningMomentsTest {

    @Test
    void batchesMergeToTheMomentsOfTheirConcatenation() {
        double[] a = {1.5, -2.0, 0.25, 4.0};
        double[] b = {3.0, 3.5, -1.0};
        RunningMoments rm = new RunningMoments();
        rm.update(a);
        rm.update(b);
        double[] all = {1.5, -2.0, 0.25, 4.0, 3.0, 3.5, -1.0};
        double mean = 0;
        for (double x : all) {
            mean += x;
        }
        mean /= all.length;
        double ss = 0;
        for (double x : all) {
            ss += (x - mean) * (x - mean);
        }
        // the 1e-24 prior count perturbs the result far below 1e-12
        assertEquals(mean, rm.mean(), 1e-12);
        assertEquals(Math.sqrt(ss / (all.length - 1)), rm.std(), 1e-12);
    }

    @Test
    void stateRoundTrips() {
        RunningMoments rm = new RunningMoments();
        rm.update(new double[] {0.1, 0.7});
        RunningMoments copy = new RunningMoments();
        copy.restore(rm.state());
        rm.update(new double[] {2.0});
        copy.update(new double[] {2.0});
        assertArrayEquals(rm.state(), copy.state(), 0.0);
    }
}
