package org.prefalign.algorithms.objective.referencefree;

import org.prefalign.algorithms.objective.ChosenNll;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.PairMetrics;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;

/**
 * What SimPO, CPO and ORPO share: no reference model, a temperature β, and the assembly of a
 * result from per-pair preference terms on the compared (summed or length-averaged) log-probs —
 * loss = Σ perExample / S over those terms plus, where the objective has one, the weighted
 * {@link ChosenNll}; gradients with respect to the summed policy log-probs; and TRL's
 * {@link PairMetrics}, with the implicit reward β·log π_θ of the compared log-probs.
 */
abstract class ReferenceFreeObjective implements PairwiseObjective {

    private final String type;
    /** The temperature β of the implicit reward β·log π_θ. */
    protected final double beta;

    ReferenceFreeObjective(String type, double beta) {
        this.type = type;
        this.beta = beta;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final boolean requiresReference() {
        return false;
    }

    /**
     * The result of per-pair {@code terms} on the compared log-probs {@code lp}.
     *
     * @param nllWeight the weight of the chosen NLL (CPO's {@code cpo_alpha}, 1 for ORPO); 0 leaves
     *                  it out, together with its {@code nll_loss} metric
     */
    final ObjectiveResult.Builder result(PairwiseLogps in, StepNormalizer step, CompletionLogps lp, PairTerms terms,
                                         double nllWeight) {
        int n = in.batchSize();
        double s = step.sequences();
        double[] perExample = terms.loss().clone();
        double[] gradChosen = new double[n];
        double[] gradRejected = new double[n];
        for (int i = 0; i < n; i++) {
            gradChosen[i] = terms.dChosen()[i] * lp.chosenScale()[i] / s;
            gradRejected[i] = terms.dRejected()[i] * lp.rejectedScale()[i] / s;
        }
        ChosenNll nll = nllWeight > 0 ? ChosenNll.of(in, step, type) : null;
        if (nll != null) {
            for (int i = 0; i < n; i++) {
                perExample[i] += nllWeight * nll.share();
                gradChosen[i] += nllWeight * nll.gradient();
            }
        }
        ObjectiveResult.Builder b = ObjectiveResult.builder(perExample, step)
                .grad("policyChosen", gradChosen, in.policyChosen())
                .grad("policyRejected", gradRejected, in.policyRejected());
        PairMetrics.rewards(b, beta, lp.chosen(), lp.rejected());
        PairMetrics.logps(b, lp.chosen(), lp.rejected());
        if (nll != null) {
            b.metric("nll_loss", nll.batchMean());
        }
        return b;
    }
}
