package org.prefalign.core.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.prefalign.core.autodiff.Buffers;
import org.prefalign.core.autodiff.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay
 * Regularization", 2017, arXiv:1711.05101; Adam: Kingma &amp; Ba, 2014, arXiv:1412.6980), as
 * {@code torch.optim.AdamW} computes it. At step t with gradient g:
 * <pre>
 *   θ ← θ (1 − η λ)                         (decay, for parameters selected to decay)
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Parameters without a gradient (never reached by a backward pass) are skipped, as torch does.
 */
public final class AdamW implements Optimizer {

    /**
     * @param beta1       first-moment decay β₁ (torch: 0.9)
     * @param beta2       second-moment decay β₂ (torch: 0.999)
     * @param eps         ε added to √v̂ (torch: 1e-8)
     * @param weightDecay decoupled decay λ (torch: 0.01; HF Trainer: 0)
     */
    public record Config(double beta1, double beta2, double eps, double weightDecay) {
        public Config {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
            }
        }

        /** torch.optim.AdamW's defaults. */
        public static Config torchDefaults() {
            return new Config(0.9, 0.999, 1e-8, 0.01);
        }
    }

    /**
     * HF Trainer's choice of what decays: everything but biases and normalisation weights
     * (names ending in {@code .bias} or containing {@code norm}).
     */
    public static final Predicate<String> DECAY_ALL_BUT_BIASES_AND_NORMS =
            name -> !name.endsWith(".bias") && !name.contains("norm");

    private final Map<String, Tensor> parameters;
    private final Config config;
    private final Predicate<String> decays;
    private final Map<String, INDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, INDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    public AdamW(Map<String, Tensor> parameters, Config config, Predicate<String> decays) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("AdamW needs at least one parameter");
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.config = config;
        this.decays = decays;
        for (Map.Entry<String, Tensor> e : this.parameters.entrySet()) {
            if (!e.getValue().isParameter()) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a trainable parameter");
            }
            firstMoments.put(e.getKey(), e.getValue().value().ulike().assign(0));
            secondMoments.put(e.getKey(), e.getValue().value().ulike().assign(0));
        }
    }

    @Override
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        steps++;
        double b1 = config.beta1();
        double b2 = config.beta2();
        double stepSize = lr / (1 - Math.pow(b1, steps));
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(b2, steps));
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            INDArray g = e.getValue().grad();
            if (g == null) {
                continue;
            }
            INDArray theta = e.getValue().value();
            INDArray m = firstMoments.get(e.getKey());
            INDArray v = secondMoments.get(e.getKey());
            if (config.weightDecay() > 0 && decays.test(e.getKey())) {
                theta.muli(1 - lr * config.weightDecay());
            }
            m.muli(b1);
            INDArray scaled = g.mul(1 - b1);
            m.addi(scaled);
            scaled.assign(g).muli(g).muli(1 - b2);
            v.muli(b2).addi(scaled);
            INDArray denominator = Transforms.sqrt(v, true).divi(sqrtCorrection2).addi(config.eps());
            INDArray update = m.div(denominator).muli(stepSize);
            theta.subi(update);
            Buffers.release(scaled, denominator, update);
        }
    }

    @Override
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put("step", Nd4j.scalar(DataType.INT64, steps));
        for (String name : parameters.keySet()) {
            s.put(name + ".exp_avg", firstMoments.get(name).dup());
            s.put(name + ".exp_avg_sq", secondMoments.get(name).dup());
        }
        return s;
    }

    @Override
    public void loadStateDict(Map<String, INDArray> state) {
        INDArray step = state.get("step");
        if (step == null || step.length() != 1 || step.getLong(0) < 0) {
            throw new IllegalArgumentException("AdamW state needs a non-negative scalar 'step'");
        }
        for (String name : parameters.keySet()) {
            for (String slot : new String[] {".exp_avg", ".exp_avg_sq"}) {
                INDArray saved = state.get(name + slot);
                INDArray target = (slot.equals(".exp_avg") ? firstMoments : secondMoments).get(name);
                if (saved == null || !Arrays.equals(saved.shape(), target.shape())) {
                    throw new IllegalArgumentException("AdamW state lacks '" + name + slot + "' of shape "
                            + Arrays.toString(target.shape()) + (saved == null ? "" : ", got " + Arrays.toString(saved.shape())));
                }
            }
        }
        for (String name : parameters.keySet()) {
            firstMoments.get(name).assign(state.get(name + ".exp_avg"));
            secondMoments.get(name).assign(state.get(name + ".exp_avg_sq"));
        }
        steps = step.getLong(0);
    }
}
