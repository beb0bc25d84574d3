package org.prefalign.algorithms.objective.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PolicyGradientObjective;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * Two micro-batches given the whole step's normaliser add up to one batch: the loss, every
 * gradient row and the per-example losses, for every aggregation and loss type.
 */
class GradientAccumulationTest {

    private static double[][] rows(double[][] x, int from, int to) {
        return Arrays.copyOfRange(x, from, to);
    }

    private static TokenLogps part(int from, int to) {
        double[][] adv = rows(Fixture.ADV_TOKEN, from, to);
        return new TokenLogps(Fixture.m(rows(Fixture.POLICY, from, to)), Fixture.m(rows(Fixture.old(), from, to)),
                Fixture.m(rows(Fixture.REF, from, to)), Fixture.m(adv), Fixture.m(rows(Fixture.MASK, from, to)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\": \"dapo\"}",
        "{\"type\": \"bnpo\"}",
        "{\"type\": \"grpo\", \"beta\": 0.05}",
        "{\"type\": \"ppo\", \"aggregation\": \"seq-mean-token-sum\", \"dual_clip\": 1.4}",
        "{\"type\": \"dr_grpo\", \"max_completion_length\": 8, \"beta\": 0.05}",
        "{\"type\": \"gspo\", \"epsilon\": 0.01, \"epsilon_high\": 0.05}",
        "{\"type\": \"cispo\", \"epsilon_high\": 1.2, \"aggregation\": \"seq-mean-token-mean\"}",
    })
    void twoMicroBatchesEqualOneBatch(String json) {
        PolicyGradientObjective loss = Objectives.policyGradient(json);
        TokenLogps whole = part(0, 3);
        StepNormalizer step = whole.normalizer();
        ObjectiveResult all = loss.compute(whole);
        ObjectiveResult first = loss.compute(part(0, 2), step);
        ObjectiveResult second = loss.compute(part(2, 3), step);
        assertEquals(all.loss(), first.loss() + second.loss(), 1e-15, json);
        double[] g = Fixture.values(all.grad("policy"));
        double[] joined = new double[g.length];
        System.arraycopy(Fixture.values(first.grad("policy")), 0, joined, 0, 8);
        System.arraycopy(Fixture.values(second.grad("policy")), 0, joined, 8, 4);
        assertArrayEquals(g, joined, 1e-17, json);
        double[] pe = Fixture.values(all.perExample());
        assertEquals(pe[0], first.perExample().getDouble(0), 1e-15);
        assertEquals(pe[2], second.perExample().getDouble(0), 1e-15);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "seq-mean-token-sum-norm"})
    void valueLossAccumulatesForEveryAggregation(String aggregation) {
        ValueLoss loss = (ValueLoss) Objectives.fromJson("{\"type\": \"value\", \"aggregation\": \"" + aggregation + "\"}");
        ValueTargets whole = new ValueTargets(Fixture.m(ValueLossTest.V), Fixture.m(ValueLossTest.OLD),
                Fixture.m(ValueLossTest.RET), Fixture.m(ValueLossTest.MASK));
        StepNormalizer step = whole.normalizer();
        ObjectiveResult all = loss.compute(whole);
        double sum = 0;
        double[] joined = new double[8];
        for (int i = 0; i < 2; i++) {
            ValueTargets one = new ValueTargets(Nd4j.createFromArray(new double[][] {ValueLossTest.V[i]}),
                    Nd4j.createFromArray(new double[][] {ValueLossTest.OLD[i]}),
                    Nd4j.createFromArray(new double[][] {ValueLossTest.RET[i]}),
                    Nd4j.createFromArray(new double[][] {ValueLossTest.MASK[i]}));
            ObjectiveResult r = loss.compute(one, step);
            sum += r.loss();
            System.arraycopy(Fixture.values(r.grad("values")), 0, joined, i * 4, 4);
        }
        assertEquals(all.loss(), sum, 1e-15);
        assertArrayEquals(Fixture.values(all.grad("values")), joined, 1e-17);
    }
}
