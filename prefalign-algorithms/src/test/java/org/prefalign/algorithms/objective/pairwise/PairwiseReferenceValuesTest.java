package org.prefalign.algorithms.objective.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.Pairs;
import org.prefalign.algorithms.testing.Vectors;

/**
 * Reference values computed in the test from each formula written differently from the code
 * (naive log(1 + e^x), probability ratios t = π/π_ref instead of log-ratios), for what the golden
 * file does not cover: the f-divergences, sft, combined losses, bco_pair's running mean across
 * calls, the AOT sort permutation, metrics and the extremes of every type.
 */
class PairwiseReferenceValuesTest {

    private static final double TOL = 1e-12;

    @Test
    void dpoOfOnePairByHand() {
        // u_w = −1, u_l = −2, β = 1: ℓ = log(1 + e^{−1}); dℓ/dπ_w = −1/(1 + e)
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": 1.0}").compute(pairs(
                new double[] {-1}, new double[] {-2}, new double[] {0}, new double[] {0}));
        assertEquals(0.31326168751822286, r.loss(), TOL);
        assertEquals(-0.2689414213699951, r.grad("policyChosen").getDouble(0), TOL);
        assertEquals(0.2689414213699951, r.grad("policyRejected").getDouble(0), TOL);
    }

    /** The f-divergence margin s(t_w) − s(t_l) in probability-ratio form, and ds/du = t·f''(t). */
    private interface RatioForm {
        double score(double t);

        double slopeInU(double t);
    }

    @Test
    void fDivergenceVariantsOfTheSigmoidLossMatchTheirRatioForms() {
        double alpha = 0.3;
        Map<String, RatioForm> forms = Map.of(
                "reverse_kl", new RatioForm() {
                    public double score(double t) { return Math.log(t); }
                    public double slopeInU(double t) { return 1; }
                },
                "forward_kl", new RatioForm() {
                    public double score(double t) { return -1 / t; }
                    public double slopeInU(double t) { return 1 / t; }
                },
                "js_divergence", new RatioForm() {
                    public double score(double t) { return Math.log(2 * t / (t + 1)); }
                    public double slopeInU(double t) { return 1 / (t + 1); }
                },
                "alpha_divergence", new RatioForm() {
                    public double score(double t) { return (Math.pow(t, alpha - 1) - 1) / (alpha - 1); }
                    public double slopeInU(double t) { return Math.pow(t, alpha - 1); }
                });
        Pairs p = Pairs.random(5, 6, 1.5);
        double beta = 0.6;
        for (var e : forms.entrySet()) {
            String cfg = "{\"type\": \"sigmoid\", \"beta\": " + beta + ", \"f_divergence_type\": \"" + e.getKey() + "\""
                    + (e.getKey().equals("alpha_divergence") ? ", \"f_alpha_divergence_coef\": " + alpha : "") + "}";
            ObjectiveResult r = Objectives.pairwise(cfg).compute(p.logps());
            RatioForm f = e.getValue();
            int b = p.size();
            double loss = 0;
            for (int i = 0; i < b; i++) {
                double tw = Math.exp(p.policyChosen()[i] - p.refChosen()[i]);
                double tl = Math.exp(p.policyRejected()[i] - p.refRejected()[i]);
                double m = f.score(tw) - f.score(tl);
                loss += Math.log(1 + Math.exp(-beta * m)) / b;
                double outer = -beta / (1 + Math.exp(beta * m)) / b;
                assertEquals(outer * f.slopeInU(tw), r.grad("policyChosen").getDouble(i), TOL, cfg + " chosen " + i);
                assertEquals(-outer * f.slopeInU(tl), r.grad("policyRejected").getDouble(i), TOL, cfg + " rejected " + i);
            }
            assertEquals(loss, r.loss(), TOL, cfg);
        }
    }

    @Test
    void alphaDivergenceFallsBackToReverseKlAtAlphaOne() {
        Pairs p = Pairs.random(6, 5, 1.5);
        ObjectiveResult dpo = Objectives.pairwise("{\"type\": \"sigmoid\"}").compute(p.logps());
        ObjectiveResult alpha = Objectives.pairwise(
                "{\"type\": \"sigmoid\", \"f_divergence_type\": \"alpha_divergence\", \"f_alpha_divergence_coef\": 1.0}")
                .compute(p.logps());
        assertEquals(dpo.loss(), alpha.loss(), 0.0);
        assertArrayEquals(Pairs.policyGradient(dpo), Pairs.policyGradient(alpha), 0.0);
    }

    @Test
    void alphaDivergenceScoreIsClampedWhereTrlClampsIt() {
        // α = 0.5: (α − 1)·u = 100 > 80 for u_w = −200, so s is flat there; u_w = −150 gives 75 < 80
        double beta = 1e-34;
        PairwiseObjective o = Objectives.pairwise(
                "{\"type\": \"sigmoid\", \"beta\": " + beta + ", \"f_divergence_type\": \"alpha_divergence\"}");
        ObjectiveResult r = o.compute(pairs(new double[] {-200, -150}, new double[] {-1, -1},
                new double[] {0, 0}, new double[] {0, 0}));
        assertEquals(0.0, r.grad("policyChosen").getDouble(0), 0.0);
        // s(t) = t^{α−1}/(α − 1) = −2·t^{−1/2}, ds/du = t^{−1/2}
        double m = -2 * Math.sqrt(1 / Math.exp(-150)) + 2 * Math.sqrt(1 / Math.exp(-1));
        double expected = -beta / (1 + Math.exp(beta * m)) * Math.sqrt(1 / Math.exp(-150)) / 2;
        assertEquals(expected, r.grad("policyChosen").getDouble(1), 1e-12 * Math.abs(expected));
    }

    @Test
    void sftIsTheTokenMeanNllOfTheChosenCompletions() {
        Pairs p = Pairs.random(7, 5, 1.5);
        double tokens = 0;
        double nll = 0;
        for (int i = 0; i < p.size(); i++) {
            tokens += p.chosenTokens()[i];
            nll -= p.policyChosen()[i];
        }
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"sft\"}").compute(p.logps());
        assertEquals(nll / tokens, r.loss(), TOL);
        for (int i = 0; i < p.size(); i++) {
            // as TRL reports it, every pair carries the batch NLL
            assertEquals(nll / tokens, r.perExample().getDouble(i), TOL);
            assertEquals(-1 / tokens, r.grad("policyChosen").getDouble(i), TOL);
            assertEquals(0.0, r.grad("policyRejected").getDouble(i), 0.0);
        }
        // a micro-batch of 2 pairs of a step of 10 pairs and 3x the tokens: equal shares of its part of the NLL
        StepNormalizer step = new StepNormalizer(10, 3 * tokens);
        ObjectiveResult micro = Objectives.pairwise("{\"type\": \"sft\"}").compute(p.slice(0, 2).logps(), step);
        double part = -(p.policyChosen()[0] + p.policyChosen()[1]) / (3 * tokens);
        assertEquals(part, micro.loss(), TOL);
        for (int i = 0; i < 2; i++) {
            assertEquals(part * 10 / 2, micro.perExample().getDouble(i), TOL);
            assertEquals(-1 / (3 * tokens), micro.grad("policyChosen").getDouble(i), TOL);
        }
        // no reference needed
        ObjectiveResult free = Objectives.pairwise("{\"type\": \"sft\"}").compute(PairwiseLogps.referenceFree(
                p.logps().policyChosen(), p.logps().policyRejected(), p.logps().chosenTokens(), p.logps().rejectedTokens()));
        assertEquals(r.loss(), free.loss(), 0.0);
        assertTrue(!free.metrics().containsKey("rewards/chosen") && free.metrics().containsKey("logps/chosen"));
    }

    @Test
    void mpoIsTheWeightedSumOfDpoBcoAndSft() {
        Pairs p = Pairs.random(8, 6, 1.5);
        double beta = 0.3;
        PairwiseObjective mpo = Objectives.pairwise("{\"loss_type\": [\"sigmoid\", \"bco_pair\", \"sft\"], "
                + "\"loss_weights\": [0.8, 0.2, 1.0], \"beta\": " + beta + "}");
        int b = p.size();
        double tokens = 0;
        for (double t : p.chosenTokens()) {
            tokens += t;
        }
        double loss = 0;
        for (int i = 0; i < b; i++) {
            double uw = p.policyChosen()[i] - p.refChosen()[i];
            double ul = p.policyRejected()[i] - p.refRejected()[i];
            double dpo = Math.log(1 + Math.exp(-beta * (uw - ul)));
            double bco = Math.log(1 + Math.exp(-beta * uw)) + Math.log(1 + Math.exp(beta * ul)); // fresh: δ = 0
            loss += (0.8 * dpo + 0.2 * bco) / b - p.policyChosen()[i] / tokens;
        }
        ObjectiveResult r = mpo.compute(p.logps());
        assertEquals(loss, r.loss(), TOL);
        assertEquals("combined", mpo.type());
        assertTrue(mpo.requiresReference());
        assertEquals(r.loss(), r.perExample().meanNumber().doubleValue(), TOL);
        // gradients: the same weighted sum of the parts built alone
        double[] expected = new double[2 * b];
        String[] parts = {"sigmoid", "bco_pair", "sft"};
        double[] w = {0.8, 0.2, 1.0};
        for (int k = 0; k < 3; k++) {
            double[] g = Pairs.policyGradient(Objectives.pairwise("{\"type\": \"" + parts[k] + "\", \"beta\": " + beta + "}")
                    .compute(p.logps()));
            for (int j = 0; j < g.length; j++) {
                expected[j] += w[k] * g[j];
            }
        }
        assertArrayEquals(expected, Pairs.policyGradient(r), TOL);
        assertEquals(3, ((CombinedLoss) mpo).parts().size());
    }

    @Test
    void combinedDefaultsToUnitWeights() {
        Pairs p = Pairs.random(9, 4, 1.5);
        double hinge = Objectives.pairwise("{\"type\": \"hinge\", \"beta\": 0.2}").compute(p.logps()).loss();
        double nca = Objectives.pairwise("{\"type\": \"nca_pair\", \"beta\": 0.2}").compute(p.logps()).loss();
        double both = Objectives.pairwise("{\"loss_type\": [\"hinge\", \"nca_pair\"], \"beta\": 0.2}").compute(p.logps()).loss();
        assertEquals(hinge + nca, both, TOL);
    }

    @Test
    void bcoPairShiftsByTheMeanRewardOfPreviousCalls() {
        double beta = 0.5;
        Pairs first = Pairs.random(10, 4, 1.5);
        Pairs second = Pairs.random(11, 3, 1.5);
        BcoPair bco = (BcoPair) Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": " + beta + "}");
        bco.compute(first.logps());
        double sum = 0;
        for (int i = 0; i < first.size(); i++) {
            sum += beta * (first.policyChosen()[i] - first.refChosen()[i])
                    + beta * (first.policyRejected()[i] - first.refRejected()[i]);
        }
        double delta = sum / (2 * first.size());
        assertEquals(delta, bco.rewardMoments().mean(), 1e-12);
        double loss = 0;
        for (int i = 0; i < second.size(); i++) {
            double rw = beta * (second.policyChosen()[i] - second.refChosen()[i]);
            double rl = beta * (second.policyRejected()[i] - second.refRejected()[i]);
            loss += (Math.log(1 + Math.exp(-(rw - delta))) + Math.log(1 + Math.exp(rl - delta))) / second.size();
        }
        assertEquals(loss, bco.compute(second.logps()).loss(), TOL);
        // a restored state continues identically
        BcoPair resumed = (BcoPair) Objectives.pairwise("{\"type\": \"bco_pair\", \"beta\": " + beta + "}");
        resumed.rewardMoments().restore(bco.rewardMoments().state());
        assertEquals(bco.compute(first.logps()).loss(), resumed.compute(first.logps()).loss(), 0.0);
    }

    @Test
    void aotGradientsFollowTheSortPermutation() {
        // policy margins a = [2, −1, 0.5] sort as indices [1, 2, 0]; reference margins b = [0, 1, −3]
        // as [2, 0, 1]; quantile gaps 2, 0.5, 1
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"aot\", \"beta\": 1.0}").compute(pairs(
                new double[] {2, -1, 0.5}, new double[] {0, 0, 0}, new double[] {0, 1, -3}, new double[] {0, 0, 0}));
        double[] gaps = {2, 0.5, 1};
        int[] owner = {1, 2, 0};
        for (int k = 0; k < 3; k++) {
            assertEquals(Math.log(1 + Math.exp(-gaps[k])), r.perExample().getDouble(k), TOL);
            double g = -1 / (1 + Math.exp(gaps[k])) / 3;
            assertEquals(g, r.grad("policyChosen").getDouble(owner[k]), TOL);
            assertEquals(-g, r.grad("policyRejected").getDouble(owner[k]), TOL);
        }
    }

    @Test
    void aotUnpairedSortsChosenAndRejectedLogRatiosSeparately() {
        // chosen u = [0.5, −2, 1] sort as [1, 0, 2]; rejected u = [−1, 3, 0] as [0, 2, 1]; gaps −1, 0.5, −2
        double eps = 0.1;
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"aot_unpaired\", \"beta\": 1.0, \"label_smoothing\": " + eps + "}")
                .compute(pairs(new double[] {0.5, -2, 1}, new double[] {-1, 3, 0}, new double[] {0, 0, 0},
                        new double[] {0, 0, 0}));
        double[] gaps = {-1, 0.5, -2};
        int[] chosenOwner = {1, 0, 2};
        int[] rejectedOwner = {0, 2, 1};
        for (int k = 0; k < 3; k++) {
            double z = gaps[k];
            double value = (1 - eps) * Math.log(1 + Math.exp(-z)) + eps * Math.log(1 + Math.exp(z));
            double slope = (-(1 - eps) / (1 + Math.exp(z)) + eps / (1 + Math.exp(-z))) / 3;
            assertEquals(value, r.perExample().getDouble(k), TOL);
            assertEquals(slope, r.grad("policyChosen").getDouble(chosenOwner[k]), TOL);
            assertEquals(-slope, r.grad("policyRejected").getDouble(rejectedOwner[k]), TOL);
        }
    }

    @Test
    void metricsAreTrlsBatchMeans() {
        double beta = 0.5;
        ObjectiveResult r = Objectives.pairwise("{\"type\": \"ipo\", \"beta\": " + beta + "}").compute(new PairwiseLogps(
                Nd4j.createFromArray(-10.0, -20.0), Nd4j.createFromArray(-12.0, -18.0),
                Nd4j.createFromArray(-11.0, -19.0), Nd4j.createFromArray(-11.0, -19.0),
                Nd4j.createFromArray(5.0, 5.0), Nd4j.createFromArray(5.0, 5.0)));
        // chosen rewards β·[1, −1], rejected β·[−1, 1]
        assertEquals(0.0, r.metrics().get("rewards/chosen"), TOL);
        assertEquals(0.0, r.metrics().get("rewards/rejected"), TOL);
        assertEquals(0.5, r.metrics().get("rewards/accuracies"), TOL);
        assertEquals((beta * 2 + beta * -2) / 2, r.metrics().get("rewards/margins"), TOL);
        assertEquals(-15.0, r.metrics().get("logps/chosen"), TOL);
        assertEquals(-15.0, r.metrics().get("logps/rejected"), TOL);
        ObjectiveResult skewed = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": " + beta + "}").compute(pairs(
                new double[] {-10, -20}, new double[] {-12, -18}, new double[] {-11, -21}, new double[] {-11, -17}));
        // chosen u = [1, 1], rejected u = [−1, −1]
        assertEquals(beta * 1.0, skewed.metrics().get("rewards/chosen"), TOL);
        assertEquals(beta * -1.0, skewed.metrics().get("rewards/rejected"), TOL);
        assertEquals(1.0, skewed.metrics().get("rewards/accuracies"), TOL);
        assertEquals(beta * 2.0, skewed.metrics().get("rewards/margins"), TOL);
    }

    @Test
    void everyTypeStaysFiniteAndSaturatesAtGapsOfHundredsOfNats() {
        // u_w − u_l = ±900 nats; at β = 1 every logistic term is saturated
        double[] pc = {-950, -50};
        double[] pr = {-50, -950};
        double[] ref = {-500, -500};
        for (String t : new String[] {"sigmoid", "hinge", "exo_pair", "nca_pair", "robust", "bco_pair", "aot",
                "aot_unpaired", "apo_zero", "apo_down", "discopop"}) {
            String cfg = "{\"type\": \"" + t + "\", \"beta\": 1.0" + (t.equals("exo_pair") ? ", \"label_smoothing\": 0.01" : "") + "}";
            ObjectiveResult r = Objectives.pairwise(cfg).compute(pairs(pc, pr, ref, ref));
            for (double v : Vectors.concat(Inputs.values(r.perExample()), Pairs.policyGradient(r))) {
                assertTrue(Double.isFinite(v), cfg + ": " + r);
            }
        }
        // the wrong-way pair costs its whole margin, the right-way pair nothing
        ObjectiveResult dpo = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": 1.0}").compute(pairs(pc, pr, ref, ref));
        assertArrayEquals(new double[] {900, 0}, Inputs.values(dpo.perExample()), 1e-12);
        ObjectiveResult disco = Objectives.pairwise("{\"type\": \"discopop\", \"beta\": 1.0}").compute(pairs(pc, pr, ref, ref));
        assertArrayEquals(new double[] {900, 0}, Inputs.values(disco.perExample()), 1e-12);
        assertArrayEquals(new double[] {-0.5, 0}, Inputs.values(disco.grad("policyChosen")), 1e-12);
        ObjectiveResult exo = Objectives.pairwise("{\"type\": \"exo_pair\", \"beta\": 1.0, \"label_smoothing\": 0.01}")
                .compute(pairs(pc, pr, ref, ref));
        // q = (0, 1) against p = (0.99, 0.01): KL = −log 0.01; q = (1, 0): KL = −log 0.99
        assertArrayEquals(new double[] {-Math.log(0.01), -Math.log(0.99)}, Inputs.values(exo.perExample()), 1e-12);
        // per token: ±900 nats over 10 tokens
        ObjectiveResult norm = Objectives.pairwise("{\"type\": \"sigmoid_norm\", \"beta\": 1.0}").compute(new PairwiseLogps(
                Nd4j.createFromArray(pc), Nd4j.createFromArray(pr), Nd4j.createFromArray(ref), Nd4j.createFromArray(ref),
                Nd4j.createFromArray(10.0, 10.0), Nd4j.createFromArray(10.0, 10.0)));
        assertEquals(90, norm.perExample().getDouble(0), 1e-12);
        // the JS score log σ(u) is finite for u = −450
        ObjectiveResult js = Objectives.pairwise("{\"type\": \"sigmoid\", \"beta\": 1.0, \"f_divergence_type\": \"js_divergence\"}")
                .compute(pairs(pc, pr, ref, ref));
        assertEquals(450, js.perExample().getDouble(0), 1e-9);
    }

    private static PairwiseLogps pairs(double[] pc, double[] pr, double[] rc, double[] rr) {
        return new PairwiseLogps(Nd4j.createFromArray(pc.clone()), Nd4j.createFromArray(pr.clone()),
                Nd4j.createFromArray(rc.clone()), Nd4j.createFromArray(rr.clone()), null, null);
    }
}
