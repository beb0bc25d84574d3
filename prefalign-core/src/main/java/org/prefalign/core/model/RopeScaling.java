package org.prefalign.core.model;

/**
 * How a checkpoint stretches rotary position embedding beyond its training context, applied to
 * the inverse frequencies ω_i = θ^{−2i/d} (as Hugging Face's {@code rope_scaling}).
 */
public sealed interface RopeScaling {

    /** ω_i, one per rotated pair, for head size d and base θ, after this scaling. */
    double[] inverseFrequencies(int headDim, double theta);

    /** The unscaled ω_i = θ^{−2i/d}. */
    static double[] baseFrequencies(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE head size must be positive and even, got " + headDim);
        }
        if (!(theta > 1) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("RoPE theta must be a finite number > 1, got " + theta);
        }
        double[] w = new double[headDim / 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        return w;
    }

    /** No scaling. */
    record None() implements RopeScaling {
        @Override
        public double[] inverseFrequencies(int headDim, double theta) {
            return baseFrequencies(headDim, theta);
        }
    }

    /**
     * Linear position interpolation, ω_i / factor (Chen et al., "Extending Context Window of Large
     * Language Models via Positional Interpolation", 2023, arXiv:2306.15595).
     */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            if (!(factor >= 1) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("linear rope_scaling factor must be finite and >= 1, got " + factor);
            }
        }

        @Override
        public double[] inverseFrequencies(int headDim, double theta) {
            double[] w = baseFrequencies(headDim, theta);
            for (int i = 0; i < w.length; i++) {
                w[i] /= factor;
            }
            return w;
        }
    }

    /**
     * Llama 3.1's frequency-dependent scaling (Meta, "The Llama 3 Herd of Models", 2024,
     * arXiv:2407.21783; HF {@code rope_type: "llama3"}): with wavelength λ_i = 2π/ω_i, keep ω_i
     * when λ_i &lt; L/highFreqFactor, divide it by {@code factor} when λ_i &gt; L/lowFreqFactor, and
     * in between interpolate with s = (L/λ_i − lowFreqFactor)/(highFreqFactor − lowFreqFactor):
     * (1 − s)·ω_i/factor + s·ω_i, where L is the original context length.
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalContextLength)
            implements RopeScaling {
        public Llama3 {
            if (!(factor >= 1) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("llama3 rope_scaling factor must be finite and >= 1, got " + factor);
            }
            if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || Double.isInfinite(highFreqFactor)) {
                throw new IllegalArgumentException("llama3 rope_scaling needs 0 < low_freq_factor < high_freq_factor, got "
                        + lowFreqFactor + " and " + highFreqFactor);
            }
            if (originalContextLength <= 0) {
                throw new IllegalArgumentException("llama3 rope_scaling original_max_position_embeddings must be positive, got "
                        + originalContextLength);
            }
        }

        @Override
        public double[] inverseFrequencies(int headDim, double theta) {
            double[] w = baseFrequencies(headDim, theta);
            double lowFreqWavelength = originalContextLength / lowFreqFactor;
            double highFreqWavelength = originalContextLength / highFreqFactor;
            for (int i = 0; i < w.length; i++) {
                double wavelength = 2 * Math.PI / w[i];
                if (wavelength > lowFreqWavelength) {
                    w[i] /= factor;
                } else if (wavelength >= highFreqWavelength) {
                    double s = (originalContextLength / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    w[i] = (1 - s) * w[i] / factor + s * w[i];
                }
            }
            return w;
        }
    }
}
