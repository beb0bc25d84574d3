package org.prefalign.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Linear;
import org.prefalign.core.autodiff.Reshape;
import org.prefalign.core.autodiff.RowGather;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;

/**
 * A linear map from a decoder's final hidden state to one number, s = h·w (+ b), trained with the
 * backbone. Two uses: the per-token value head of a PPO critic (TRL's {@code ValueHead},
 * parameters {@code v_head.summary.weight/bias}) and the sequence-score head of a reward model
 * (HF's {@code ...ForSequenceClassification} {@code score.weight}, read at the last real token).
 */
public final class ScalarHead implements Trainable {

    private final Tensor weight;
    private final Tensor bias;
    private final Map<String, Tensor> parameters;

    private ScalarHead(String prefix, INDArray weight, INDArray bias) {
        if (weight.rank() != 2 || weight.size(0) != 1) {
            throw new IllegalArgumentException(prefix + "weight must be [1, hidden], got " + java.util.Arrays.toString(weight.shape()));
        }
        if (bias != null && (bias.rank() != 1 || bias.size(0) != 1 || bias.dataType() != weight.dataType())) {
            throw new IllegalArgumentException(prefix + "bias must be [1] of the weight's type");
        }
        this.weight = Tensor.parameter(weight);
        this.bias = bias == null ? null : Tensor.parameter(bias);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put(prefix + "weight", this.weight);
        if (bias != null) {
            p.put(prefix + "bias", this.bias);
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /**
     * A PPO value head as TRL initialises it by default ({@code nn.Linear}: weight and bias
     * uniform in ±1/√hidden), seeded.
     */
    public static ScalarHead valueHead(int hidden, long seed, DataType type) {
        Random rng = new Random(seed);
        double bound = 1 / Math.sqrt(hidden);
        return new ScalarHead("v_head.summary.", uniform(rng, bound, type, 1, hidden), uniform(rng, bound, type, 1));
    }

    /** A reward-model score head as HF initialises it (weight ~ N(0, 0.02²), no bias), seeded. */
    public static ScalarHead rewardHead(int hidden, long seed, DataType type) {
        Random rng = new Random(seed);
        double[] w = new double[hidden];
        for (int i = 0; i < hidden; i++) {
            w[i] = 0.02 * rng.nextGaussian();
        }
        return new ScalarHead("score.", Nd4j.create(w, new long[] {1, hidden}, type), null);
    }

    /** A head over given values ([1, hidden] weight, optional [1] bias), under a parameter-name prefix. */
    public static ScalarHead create(String prefix, INDArray weight, INDArray bias) {
        return new ScalarHead(prefix, weight, bias);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** One score per row of hidden states [N, hidden]: returns [N]. */
    public Tensor score(Tape tape, Tensor hidden) {
        Tensor s = Linear.apply(tape, hidden, weight, bias);
        return Reshape.apply(tape, s, s.shape()[0]);
    }

    /** Scores of the given rows of hidden states: returns [rows.length]. */
    public Tensor score(Tape tape, Tensor hidden, int[] rows) {
        return score(tape, RowGather.apply(tape, hidden, rows));
    }

    private static INDArray uniform(Random rng, double bound, DataType type, long... shape) {
        int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return Nd4j.create(v, shape, type);
    }
}
