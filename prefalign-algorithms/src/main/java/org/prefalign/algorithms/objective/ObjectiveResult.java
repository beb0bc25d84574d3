package org.prefalign.algorithms.objective;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an objective returns: the loss, the per-example losses, the gradient of the loss with
 * respect to each differentiable input, and metrics named as TRL logs them.
 *
 * <p>{@code loss() = Σ perExample / normalizer}: with the batch's own normaliser, the mean of
 * {@link #perExample()}. Gradients are of {@link #loss()} (not of the sum), in the type and shape
 * of the input they differentiate; inputs that a loss treats as constants (reference log-probs,
 * detached terms) have none.
 */
public final class ObjectiveResult {

    private final double loss;
    private final INDArray perExample;
    private final Map<String, INDArray> grads;
    private final Map<String, Double> metrics;

    private ObjectiveResult(double loss, INDArray perExample, Map<String, INDArray> grads, Map<String, Double> metrics) {
        this.loss = loss;
        this.perExample = perExample;
        this.grads = Collections.unmodifiableMap(grads);
        this.metrics = Collections.unmodifiableMap(metrics);
    }

    /** Starts a result with its loss and per-example losses. */
    public static Builder builder(double loss, double[] perExample) {
        return new Builder(loss, perExample);
    }

    /** Starts a result whose loss is the contract's Σ perExample / {@code step.sequences()}. */
    public static Builder builder(double[] perExample, StepNormalizer step) {
        double sum = 0;
        for (double l : perExample) {
            sum += l;
        }
        return new Builder(sum / step.sequences(), perExample);
    }

    /** The (micro-batch share of the) loss. */
    public double loss() {
        return loss;
    }

    /** Per-example losses, a double vector [B]. */
    public INDArray perExample() {
        return perExample;
    }

    /**
     * d loss / d input, by the input's name in its record ({@code "policyChosen"},
     * {@code "policyRejected"}, {@code "policy"}, {@code "chosen"}, ...).
     *
     * @throws IllegalArgumentException naming the inputs that do have gradients
     */
    public INDArray grad(String input) {
        INDArray g = grads.get(input);
        if (g == null) {
            throw new IllegalArgumentException("no gradient for input '" + input + "'; this objective differentiates "
                    + grads.keySet());
        }
        return g;
    }

    /** The names of the inputs that have gradients. */
    public Set<String> gradNames() {
        return grads.keySet();
    }

    /** Metrics in insertion order, named like TRL's ({@code rewards/chosen}, {@code rewards/margins}, ...). */
    public Map<String, Double> metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "ObjectiveResult{loss=" + loss + ", grads=" + grads.keySet() + ", metrics=" + metrics + "}";
    }

    /** Assembles a result; rejects a non-finite loss so that no NaN ever leaves an objective silently. */
    public static final class Builder {
        private final double loss;
        private final double[] perExample;
        private final Map<String, INDArray> grads = new LinkedHashMap<>();
        private final Map<String, Double> metrics = new LinkedHashMap<>();

        private Builder(double loss, double[] perExample) {
            this.loss = loss;
            this.perExample = perExample;
        }

        /** Adds d loss / d input with the values {@code g}, shaped and typed like {@code input}. */
        public Builder grad(String name, double[] g, INDArray input) {
            grads.put(name, Inputs.like(g, input));
            return this;
        }

        /** Adds a metric. */
        public Builder metric(String name, double value) {
            metrics.put(name, value);
            return this;
        }

        public ObjectiveResult build() {
            if (!Double.isFinite(loss)) {
                throw new ArithmeticException("objective produced a non-finite loss " + loss
                        + "; per-example losses " + java.util.Arrays.toString(perExample));
            }
            return new ObjectiveResult(loss, Inputs.vector(perExample), grads, metrics);
        }
    }
}
