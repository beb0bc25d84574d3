package org.prefalign.algorithms.objective.unpaired;

import org.prefalign.algorithms.objective.LogisticLoss;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.RunningMoments;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.UnpairedLogps;
import org.prefalign.algorithms.objective.UnpairedObjective;

/**
 * BCO, Binary Classifier Optimization (Jung, Han, Nam and On 2024, arXiv:2404.04656): train a
 * binary classifier whose logit is the implicit reward β·r, r = log π_θ(y|x) − log π_ref(y|x),
 * to tell desirable from undesirable completions, with the running mean δ of the rewards as its
 * decision boundary:
 *
 * <pre>  desirable:   ℓ = −log σ(β·r − δ)
 *   undesirable: ℓ = −log σ(−(β·r − δ))</pre>
 *
 * The loss is Σ ℓ / S (TRL's mean over the batch). δ is {@link RunningMoments#mean()} of every
 * reward seen in training, treated as a constant (no gradient), as in TRL.
 *
 * <p>Hyper-parameters (TRL's {@code BCOConfig}): {@code beta} β &gt; 0 (0.1). Metrics as TRL logs
 * them: {@code rewards/chosen}, {@code rewards/rejected}, {@code logps/chosen},
 * {@code logps/rejected}, {@code rewards/margins} (class means) and {@code delta}.
 *
 * <p>Not supported: TRL's underlying distribution matching (UDM, {@code prompt_sample_size},
 * {@code min_density_ratio}, {@code max_density_ratio}) reweights undesirable examples with a
 * density-ratio classifier over prompt embeddings, which an objective over log-probs does not
 * have; those parameters are rejected.
 *
 * <p>State: the running moments are training state — save {@link #running()}{@code .state()} in
 * checkpoints and {@code restore} it on resume. An instance is not thread-safe.
 *
 * <p>Gradient accumulation: {@link #compute(UnpairedLogps, StepNormalizer)} (TRL's training step)
 * first merges the batch's rewards into δ, so micro-batches computed one after another see
 * different δ and do not add up to one large batch. For an exact split, first {@link #observe}
 * every micro-batch of the step (merging batches one by one gives the moments of their union),
 * then compute each with {@link #compute(UnpairedLogps, StepNormalizer, double)} at
 * {@code running().mean()}. The same three-argument form, which leaves δ alone, is for evaluation.
 */
public final class Bco implements UnpairedObjective {

    public static final String TYPE = "bco";

    private static final String[] UDM_PARAMETERS = {"prompt_sample_size", "min_density_ratio", "max_density_ratio"};

    private final double beta;
    private final RunningMoments running = new RunningMoments();

    private Bco(double beta) {
        this.beta = beta;
    }

    /** Reads {@code beta}; rejects TRL's UDM parameters with an explanation. */
    public static Bco fromConfig(ObjectiveConfig cfg) {
        for (String p : UDM_PARAMETERS) {
            if (cfg.has(p)) {
                throw new IllegalArgumentException("objective 'bco': '" + p + "' configures TRL's underlying "
                        + "distribution matching, which needs prompt embeddings and is not supported");
            }
        }
        return new Bco(cfg.positive("beta", 0.1));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The running moments of the rewards whose mean is δ; checkpoint them with {@code state()}. */
    public RunningMoments running() {
        return running;
    }

    /** Merges this batch's rewards β·r into the running moments. */
    public void observe(UnpairedLogps in) {
        double[] rewards = UnpairedResult.logRatios(in);
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] *= beta;
        }
        running.update(rewards);
    }

    /** A training step as TRL takes it: merge this batch's rewards into δ, then the loss at the new δ. */
    @Override
    public ObjectiveResult compute(UnpairedLogps in, StepNormalizer step) {
        observe(in);
        return compute(in, step, running.mean());
    }

    /** The loss at decision boundary δ, leaving the running moments as they are. */
    public ObjectiveResult compute(UnpairedLogps in, StepNormalizer step, double delta) {
        if (!Double.isFinite(delta)) {
            throw new IllegalArgumentException(TYPE + ": delta, the running reward mean, must be finite, got " + delta);
        }
        double[] r = UnpairedResult.logRatios(in);
        double[] loss = new double[r.length];
        double[] slope = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            // the classifier's logit, signed so that ℓ = −log σ(z) for either label
            double z = in.desirable()[i] ? beta * r[i] - delta : delta - beta * r[i];
            loss[i] = LogisticLoss.nll(z);
            double dz = LogisticLoss.nllSlope(z);
            slope[i] = in.desirable()[i] ? dz * beta : -dz * beta;
        }
        return UnpairedResult.builder(in, step, beta, r, loss, slope).metric("delta", delta).build();
    }
}
