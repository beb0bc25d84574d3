package org.prefalign.algorithms.objective.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.algorithms.testing.ArrayAsserts.assertRelative;
import static org.prefalign.algorithms.testing.Thrown.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.RewardObjective;
import org.prefalign.algorithms.objective.RewardScores;
import org.prefalign.algorithms.objective.StepNormalizer;
import org.prefalign.algorithms.testing.FiniteDifference;
import org.prefalign.algorithms.testing.Golden;
import org.prefalign.algorithms.testing.Vectors;

class BradleyTerryTest {

    static List<JsonNode> golden() {
        return Golden.cases("reward");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void matchesGolden(JsonNode c) {
        JsonNode m = c.get("margin");
        RewardScores in = new RewardScores(Golden.vector(c.get("chosen")), Golden.vector(c.get("rejected")),
                m == null || m.isNull() ? null : Golden.vector(m));
        ObjectiveResult r = Objectives.reward(c.get("config").toString()).compute(in);
        assertEquals(c.get("loss").asDouble(), r.loss(), 1e-10 * Math.abs(c.get("loss").asDouble()));
        assertRelative("grad_chosen", Golden.doubles(c.get("grad_chosen")), r.grad("chosen").toDoubleVector(), 1e-10);
        assertRelative("grad_rejected", Golden.doubles(c.get("grad_rejected")), r.grad("rejected").toDoubleVector(),
                1e-10);
        assertEquals(2, golden().size());
    }

    @Test
    void matchesANaiveFormulaWithMarginsAndCentering() {
        double c = 0.05;
        double[][] s = random(3, 9, true);
        ObjectiveResult r = objective(c).compute(scores(s, DataType.DOUBLE));
        double loss = 0;
        for (int i = 0; i < 9; i++) {
            double d = s[0][i] - s[1][i] - s[2][i];
            double expected = Math.log(1 + Math.exp(-d)) + c * Math.pow(s[0][i] + s[1][i], 2);
            assertEquals(expected, r.perExample().getDouble(i), 1e-14);
            double logistic = 1 / (1 + Math.exp(d));
            assertEquals((-logistic + 2 * c * (s[0][i] + s[1][i])) / 9, r.grad("chosen").getDouble(i), 1e-15);
            assertEquals((logistic + 2 * c * (s[0][i] + s[1][i])) / 9, r.grad("rejected").getDouble(i), 1e-15);
            loss += expected / 9;
        }
        assertEquals(loss, r.loss(), 1e-14);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.01, 0.3})
    void gradientsMatchFiniteDifferences(double c) {
        RewardObjective o = objective(c);
        for (long seed = 4; seed <= 6; seed++) {
            double[][] s = random(seed, 8, seed % 2 == 0);
            ObjectiveResult r = o.compute(scores(s, DataType.DOUBLE));
            double[] x = Vectors.concat(s[0], s[1]);
            FiniteDifference.check("bradley_terry c=" + c + " seed " + seed, v -> o.compute(scores(new double[][] {
                Arrays.copyOfRange(v, 0, 8), Arrays.copyOfRange(v, 8, 16), s[2]}, DataType.DOUBLE)).loss(),
                    x, Vectors.concat(r.grad("chosen").toDoubleVector(), r.grad("rejected").toDoubleVector()), 1e-9);
        }
    }

    @Test
    void twoMicroBatchesWithTheStepNormalizerEqualOneBatch() {
        RewardObjective o = objective(0.02);
        double[][] s = random(7, 12, true);
        ObjectiveResult whole = o.compute(scores(s, DataType.DOUBLE));
        StepNormalizer step = new StepNormalizer(12, 12);
        ObjectiveResult a = o.compute(scores(slice(s, 0, 5), DataType.DOUBLE), step);
        ObjectiveResult b = o.compute(scores(slice(s, 5, 12), DataType.DOUBLE), step);
        assertEquals(whole.loss(), a.loss() + b.loss(), 1e-14 * whole.loss());
        assertRelative("chosen", whole.grad("chosen").toDoubleVector(),
                Vectors.concat(a.grad("chosen").toDoubleVector(), b.grad("chosen").toDoubleVector()), 1e-14);
        assertRelative("rejected", whole.grad("rejected").toDoubleVector(),
                Vectors.concat(a.grad("rejected").toDoubleVector(), b.grad("rejected").toDoubleVector()), 1e-14);
    }

    @Test
    void float32InputsGiveFloat32GradientsCloseToDouble() {
        RewardObjective o = objective(0.01);
        double[][] s = random(8, 10, true);
        ObjectiveResult d = o.compute(scores(s, DataType.DOUBLE));
        ObjectiveResult f = o.compute(scores(s, DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.grad("chosen").dataType());
        assertEquals(DataType.FLOAT, f.grad("rejected").dataType());
        assertEquals(d.loss(), f.loss(), 1e-5 * d.loss());
        double[] gd = d.grad("chosen").toDoubleVector();
        double[] gf = f.grad("chosen").toDoubleVector();
        for (int i = 0; i < gd.length; i++) {
            assertEquals(gd[i], gf[i], 1e-6);
        }
    }

    @Test
    void metricsAreTrls() {
        RewardScores in = RewardScores.of(Nd4j.createFromArray(2.0, -1.0, 0.5), Nd4j.createFromArray(1.0, 3.0, -0.5));
        ObjectiveResult r = objective(0).compute(in);
        assertEquals(2.0 / 3, r.metrics().get("accuracy"), 1e-15);
        assertEquals((1.0 - 4.0 + 1.0) / 3, r.metrics().get("margin"), 1e-15);
        assertEquals(5.0 / 6, r.metrics().get("mean_reward"), 1e-15);
        assertEquals(-1.0, r.metrics().get("min_reward"));
        assertEquals(3.0, r.metrics().get("max_reward"));
        assertEquals(0.5, r.metrics().get("rewards/chosen"), 1e-15);
        assertEquals(3.5 / 3, r.metrics().get("rewards/rejected"), 1e-15);
    }

    @Test
    void extremeScoreGapsStayFinite() {
        ObjectiveResult r = objective(0).compute(RewardScores.of(Nd4j.createFromArray(-800.0, 800.0),
                Nd4j.createFromArray(800.0, -800.0)));
        assertEquals(1600.0, r.perExample().getDouble(0), 1e-12);
        assertEquals(0.0, r.perExample().getDouble(1), 0.0);
        assertEquals(-0.5, r.grad("chosen").getDouble(0), 1e-15);
        assertEquals(0.0, r.grad("chosen").getDouble(1), 0.0);
    }

    @Test
    void badConfigsAndInputsAreRejectedByName() {
        assertInstanceOf(BradleyTerry.class, Objectives.reward("{\"type\": \"bradley_terry\"}"));
        assertEquals("objective 'bradley_terry': 'center_rewards_coefficient' must be >= 0, got -0.01",
                message(() -> Objectives.reward("{\"type\": \"bradley_terry\", \"center_rewards_coefficient\": -0.01}")));
        String m = message(() -> Objectives.reward("{\"type\": \"bradley_terry\", \"beta\": 0.1}"));
        assertTrue(m.contains("unknown parameter") && m.contains("beta"), m);
        m = message(() -> new RewardScores(Nd4j.createFromArray(1.0, 2.0),
                Nd4j.createFromArray(1.0, 2.0), Nd4j.createFromArray(0.5, Double.NaN)));
        assertTrue(m.contains("margin") && m.contains("finite"), m);
        m = message(() -> RewardScores.of(Nd4j.createFromArray(1.0, 2.0),
                Nd4j.createFromArray(1.0)));
        assertTrue(m.contains("rejected") && m.contains("batch has 2"), m);
        m = message(() -> RewardScores.of(Nd4j.createFromArray(new double[0]),
                Nd4j.createFromArray(new double[0])));
        assertTrue(m.contains("chosen"), m);
    }

    private static RewardObjective objective(double c) {
        return Objectives.reward("{\"type\": \"bradley_terry\", \"center_rewards_coefficient\": " + c + "}");
    }

    /** {chosen, rejected, margin} with scores in (−3, 3) and margins in [0, 1) (zeros without margins). */
    private static double[][] random(long seed, int n, boolean margins) {
        Random r = new Random(seed);
        double[][] s = new double[3][n];
        for (int i = 0; i < n; i++) {
            s[0][i] = 6 * r.nextDouble() - 3;
            s[1][i] = 6 * r.nextDouble() - 3;
            s[2][i] = margins ? r.nextDouble() : 0;
        }
        return s;
    }

    private static RewardScores scores(double[][] s, DataType type) {
        return new RewardScores(Vectors.of(s[0], type), Vectors.of(s[1], type), Vectors.of(s[2], type));
    }

    private static double[][] slice(double[][] s, int from, int to) {
        return new double[][] {Arrays.copyOfRange(s[0], from, to), Arrays.copyOfRange(s[1], from, to),
            Arrays.copyOfRange(s[2], from, to)};
    }
}
