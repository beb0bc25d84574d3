package org.prefalign.data.inspect;

/** Count, minimum, mean and maximum of a stream of values, in constant memory. */
public final class Stats {

    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;

    /** Adds one value. */
    public void add(double v) {
        count++;
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
    }

    public long count() {
        return count;
    }

    /** Smallest value; NaN when empty. */
    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    /** Largest value; NaN when empty. */
    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    /** Arithmetic mean; NaN when empty. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }
}
