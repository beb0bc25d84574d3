package org.prefalign.algorithms.objective.pairwise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.Objective;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * A weighted sum of pairwise losses — TRL's list-valued {@code loss_type} with
 * {@code loss_weights}, e.g. MPO (Wang et al. 2024, "Enhancing the Reasoning Ability of Multimodal
 * Large Language Models via Mixed Preference Optimization", arXiv:2411.10442):
 * {@code {"loss_type": ["sigmoid", "bco_pair", "sft"], "loss_weights": [0.8, 0.2, 1.0]}},
 *
 * <pre>  loss = Σ_k w_k·loss_k,   perExample = Σ_k w_k·perExample_k,   ∇ = Σ_k w_k·∇_k</pre>
 *
 * <p>Every part is built from the same config, so the parts share {@code beta} and the other
 * hyper-parameters, as in TRL. {@code loss_weights} defaults to 1.0 for every type and must have
 * as many entries as {@code loss_type}. Metrics are the parts' (the first part that logs a name
 * wins; the DPO family's metrics do not depend on the loss).
 *
 * <p>Gradient accumulation is exact exactly when it is for every part: the batch-coupled parts
 * ({@code aot}, {@code aot_unpaired}: sorting within a micro-batch; {@code bco_pair}: its running
 * mean moves once per call) keep their own semantics inside the sum.
 */
public final class CombinedLoss implements PairwiseObjective {

    private final List<PairwiseObjective> parts;
    private final double[] weights;

    /** Builds each part of {@code cfg.types()} with {@code Objectives.build(cfg.withType(t))}. */
    public CombinedLoss(ObjectiveConfig cfg) {
        List<String> types = cfg.types();
        if (types.isEmpty()) {
            throw cfg.error("loss_type", "a non-empty list of loss types", types);
        }
        double[] w = cfg.reals("loss_weights");
        if (w == null) {
            w = new double[types.size()];
            Arrays.fill(w, 1.0);
        }
        if (w.length != types.size()) {
            throw cfg.error("loss_weights", "a list of " + types.size() + " weights, one per entry of loss_type "
                    + types, Arrays.toString(w));
        }
        List<PairwiseObjective> built = new ArrayList<>();
        for (String t : types) {
            if (ObjectiveConfig.COMBINED.equals(t)) {
                throw cfg.error("loss_type", "a list of loss types, not containing '" + t + "'", types);
            }
            Objective o = Objectives.build(cfg.withType(t));
            if (!(o instanceof PairwiseObjective p)) {
                throw cfg.error("loss_type", "a list of pairwise loss types, but '" + t + "' is a "
                        + o.getClass().getSimpleName(), types);
            }
            built.add(p);
        }
        this.parts = List.copyOf(built);
        this.weights = w;
    }

    @Override
    public String type() {
        return ObjectiveConfig.COMBINED;
    }

    /** The parts, in {@code loss_type} order (for checkpointing their state, e.g. {@link BcoPair}). */
    public List<PairwiseObjective> parts() {
        return parts;
    }

    /** The weight of each part. */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public boolean requiresReference() {
        return parts.stream().anyMatch(PairwiseObjective::requiresReference);
    }

    @Override
    public ObjectiveResult compute(PairwiseLogps in, StepNormalizer step) {
        int b = in.batchSize();
        double loss = 0;
        double[] perExample = new double[b];
        Map<String, double[]> grads = new LinkedHashMap<>();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int k = 0; k < parts.size(); k++) {
            ObjectiveResult r = parts.get(k).compute(in, step);
            double w = weights[k];
            loss += w * r.loss();
            addScaled(perExample, Inputs.values(r.perExample()), w);
            for (String name : r.gradNames()) {
                addScaled(grads.computeIfAbsent(name, n -> new double[b]), Inputs.values(r.grad(name)), w);
            }
            r.metrics().forEach(metrics::putIfAbsent);
        }
        ObjectiveResult.Builder out = ObjectiveResult.builder(loss, perExample);
        grads.forEach((name, g) -> out.grad(name, g, input(in, name)));
        metrics.forEach(out::metric);
        return out.build();
    }

    private static void addScaled(double[] into, double[] v, double w) {
        for (int i = 0; i < into.length; i++) {
            into[i] += w * v[i];
        }
    }

    private static INDArray input(PairwiseLogps in, String name) {
        return switch (name) {
            case "policyChosen" -> in.policyChosen();
            case "policyRejected" -> in.policyRejected();
            default -> throw new IllegalStateException("a pairwise part differentiated an unknown input '" + name + "'");
        };
    }

    @Override
    public String toString() {
        return "combined(" + parts + ", weights=" + Arrays.toString(weights) + ")";
    }
}
