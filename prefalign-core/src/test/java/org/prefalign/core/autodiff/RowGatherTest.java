package org.prefalign.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RowGatherTest {

    @Test
    void gathersRowsAndSumsGradientsOfRepeatedRows() {
        Random rng = new Random(11);
        Tensor table = Tensor.parameter(GradCheck.random(rng, 1, 6, 4));
        int[] ids = {3, 1, 3, 3, 0, 5, 1};
        try (Tape tape = Tape.inference()) {
            INDArray y = RowGather.apply(tape, table, ids).value();
            for (int i = 0; i < ids.length; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(table.value().getDouble(ids[i], j), y.getDouble(i, j), 0.0);
                }
            }
        }
        GradCheck.check("row gather", List.of(table), t -> RowGather.apply(t, table, ids), 1e-8, 24);
    }

    @Test
    void repeatedRowGradientIsTheExactSum() {
        Random rng = new Random(12);
        Tensor table = Tensor.parameter(GradCheck.random(rng, 1, 3, 2));
        int[] ids = {2, 2, 2, 0};
        INDArray seed = GradCheck.random(rng, 1, 4, 2);
        try (Tape tape = Tape.recording()) {
            tape.backward(RowGather.apply(tape, table, ids), seed);
        }
        for (int j = 0; j < 2; j++) {
            double want = seed.getDouble(0, j) + seed.getDouble(1, j) + seed.getDouble(2, j);
            assertEquals(want, table.grad().getDouble(2, j), 1e-15);
            assertEquals(seed.getDouble(3, j), table.grad().getDouble(0, j), 1e-15);
            assertEquals(0.0, table.grad().getDouble(1, j), 0.0);
        }
    }

    @Test
    void outOfRangeIdsAreRejected() {
        Tensor table = Tensor.constant(GradCheck.random(new Random(13), 1, 3, 2));
        try (Tape tape = Tape.inference()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RowGather.apply(tape, table, new int[] {0, 3}));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rows[1] = 3"), e.getMessage());
        }
    }
}
