package org.prefalign.core.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Implementation;
import org.prefalign.core.autodiff.RopePairing;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;

/** stories260K in float32: the vector kernels and the array ops give the same log-probs and gradients. */
class ImplementationsAgreeTest {

    private record Run(INDArray logProbs, Map<String, INDArray> grads) {
    }

    private static Run run(Implementation impl, TokenBatch batch) throws Exception {
        LlamaModel model = LlamaModel.fromGguf(Path.of(System.getProperty("prefalign.shared", "../../shared"),
                "models/stories260K.gguf")).withImplementation(impl);
        try (ForwardPass pass = ForwardPass.training(model, batch)) {
            Tensor lp = pass.tokenLogProbs(batch.nextTokenTargets());
            INDArray value = lp.value().dup();
            pass.backward(lp, Nd4j.onesLike(lp.value()).muli(-0.01));
            Map<String, INDArray> grads = new LinkedHashMap<>();
            model.parameters().forEach((k, v) -> grads.put(k, v.grad().dup()));
            return new Run(value, grads);
        }
    }

    @Test
    void vectorAndArrayOpPathsAgreeOnAPaddedBatch() throws Exception {
        Random rng = new Random(141);
        int[][] tokens = new int[3][40];
        boolean[][] mask = new boolean[3][40];
        for (int b = 0; b < 3; b++) {
            int start = b * 7;
            tokens[b][start] = 1;
            mask[b][start] = true;
            for (int i = start + 1; i < 40; i++) {
                tokens[b][i] = 3 + rng.nextInt(509);
                mask[b][i] = true;
            }
        }
        TokenBatch batch = TokenBatch.padded(tokens, mask);
        Run want = run(Implementation.ARRAY_OPS, batch);
        Run got = run(Implementation.VECTOR, batch);
        double lpErr = want.logProbs().sub(got.logProbs()).amaxNumber().doubleValue();
        assertTrue(lpErr < 1e-4, "log-prob error " + lpErr);
        for (String name : want.grads().keySet()) {
            double scale = want.grads().get(name).amaxNumber().doubleValue();
            double err = want.grads().get(name).sub(got.grads().get(name)).amaxNumber().doubleValue();
            assertTrue(err <= 1e-3 * scale, name + ": error " + err + " at scale " + scale);
        }
    }

    @Test
    void theChosenImplementationComputesTheTokenLogProbsToo() {
        LlamaModel model = LlamaModel.random(TinyModels.config(RopePairing.HALF_SPLIT, new RopeScaling.None(), false, false),
                5, DataType.DOUBLE).withImplementation(Implementation.VECTOR);
        Tensor hidden = Tensor.constant(Nd4j.rand(DataType.DOUBLE, 3, model.hiddenSize()));
        try (Tape tape = Tape.inference()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.tokenLogProbs(tape, hidden, new int[] {1, 2, 3}, 1.0));
            assertTrue(e.getMessage().contains("token log-prob kernel computes float32"), e.getMessage());
        }
    }
}
