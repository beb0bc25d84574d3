package org.prefalign.algorithms.objective.pairwise;

import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairMetrics;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * The bookkeeping that every DPO-family loss shares: the temperature β, the log-ratios and their
 * f-divergence scores, the step normalisation, gradients of {@code loss()} and TRL's metrics.
 * A subclass only says what each pair's loss is ({@link #losses}).
 *
 * <p>{@code loss = Σ_i perExample_i / step.sequences()}, and the gradient of each policy input is
 * d loss / d input. Reference log-probs are constants and get no gradient.
 *
 * <p>Metrics (batch means, as TRL's {@code DPOTrainer} logs them): {@code rewards/chosen} and
 * {@code rewards/rejected} = β·(log π_θ − log π_ref), {@code rewards/accuracies} = the fraction
 * with chosen reward &gt; rejected reward, {@code rewards/margins}, and {@code logps/chosen},
 * {@code logps/rejected} = the policy log-probs. Reward metrics need the reference log-probs and
 * are left out without them.
 */
abstract class LogRatioObjective implements PairwiseObjective {

    private final String type;
    /** The KL-regularisation temperature β of the implicit reward β·log(π_θ / π_ref). */
    protected final double beta;
    private final FDivergence divergence;

    /**
     * Reads {@code beta} (&gt; 0, default 0.1).
     *
     * @param divergence how log-ratios become scores; {@link FDivergence#REVERSE_KL} for losses
     *                   that TRL computes from the plain log-ratios
     */
    LogRatioObjective(ObjectiveConfig cfg, FDivergence divergence) {
        this.type = cfg.type();
        this.beta = cfg.positive("beta", 0.1);
        this.divergence = divergence;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public boolean requiresReference() {
        return true;
    }

    /** Whether the loss divides log-ratios (or log-probs) by completion lengths. */
    boolean requiresTokens() {
        return false;
    }

    /** The f-divergence that scores log-ratios. */
    public final FDivergence divergence() {
        return divergence;
    }

    /** The per-example losses of a batch and their derivatives w.r.t. the policy log-probs. */
    abstract PairLosses losses(LogRatios r, StepNormalizer step);

    @Override
    public final ObjectiveResult compute(PairwiseLogps in, StepNormalizer step) {
        if (in == null || step == null) {
            throw new IllegalArgumentException("objective '" + type + "': inputs and step normaliser are required, got "
                    + (in == null ? "inputs=null" : "step=null"));
        }
        if (requiresReference() && !in.hasReference()) {
            throw new IllegalArgumentException("objective '" + type + "' needs reference log-probs: refChosen and "
                    + "refRejected are required (finite vectors [B]), got null");
        }
        if (requiresTokens() && in.chosenTokens() == null) {
            throw new IllegalArgumentException("objective '" + type + "' normalises by completion length: chosenTokens "
                    + "and rejectedTokens are required (token counts > 0, [B]), got null");
        }
        LogRatios r = LogRatios.of(in, divergence);
        PairLosses l = losses(r, step);
        double n = step.sequences();
        int b = r.size();
        double[] gChosen = new double[b];
        double[] gRejected = new double[b];
        for (int i = 0; i < b; i++) {
            requireFinite(l, r, i);
            gChosen[i] = l.dChosen()[i] / n;
            gRejected[i] = l.dRejected()[i] / n;
        }
        ObjectiveResult.Builder out = ObjectiveResult.builder(l.value(), step)
                .grad("policyChosen", gChosen, in.policyChosen())
                .grad("policyRejected", gRejected, in.policyRejected());
        addMetrics(out, r, in.hasReference());
        return out.build();
    }

    private void addMetrics(ObjectiveResult.Builder out, LogRatios r, boolean hasReference) {
        if (hasReference) {
            PairMetrics.rewards(out, beta, r.chosen(), r.rejected());
        }
        PairMetrics.logps(out, r.policyChosen(), r.policyRejected());
    }


    private void requireFinite(PairLosses l, LogRatios r, int i) {
        if (!Double.isFinite(l.value()[i]) || !Double.isFinite(l.dChosen()[i]) || !Double.isFinite(l.dRejected()[i])) {
            throw new ArithmeticException("objective '" + type + "' (f_divergence_type " + divergence.kind()
                    + ") is not finite at pair " + i + ": loss " + l.value()[i] + ", gradients " + l.dChosen()[i]
                    + ", " + l.dRejected()[i] + " at log-ratios " + r.chosen()[i] + ", " + r.rejected()[i]);
        }
    }

    @Override
    public String toString() {
        return type + "(beta=" + beta + ", f_divergence=" + divergence + ")";
    }
}
