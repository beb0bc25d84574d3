package org.prefalign.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row gather y[i] = table[rows[i]]: the embedding lookup of token ids, and the pooling of one
 * hidden state per sequence.
 *
 * <p>Backward is a scatter-add, dL/dtable[r] = Σ_{i : rows[i] = r} G[i]: a token that occurs
 * several times receives the sum of its gradients. (SameDiff's gather gets exactly this case
 * wrong; see ND4J-NOTES.) ND4J's scatter-update assigns each destination row to one thread, so
 * repeated rows are summed without races.
 */
public final class RowGather {

    private RowGather() {
    }

    // Nd4j.scatterUpdate is deprecated in favour of the scatter_add custom op, which races on repeated
    // indices when it runs multi-threaded (libnd4j parallelises over indices); this one partitions by row.
    @SuppressWarnings("deprecation")
    public static Tensor apply(Tape tape, Tensor table, int[] rows) {
        if (table.value().rank() != 2) {
            throw new IllegalArgumentException("row gather needs a rank-2 table, got rank " + table.value().rank());
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException("row gather needs at least one row index");
        }
        long n = table.shape()[0];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("row index rows[" + i + "] = " + rows[i] + " outside [0, " + n + ")");
            }
        }
        boolean grad = tape.needsGrad(table);
        INDArray y = Nd4j.pullRows(table.value(), 1, rows);
        Tensor out = tape.output(y, grad);
        if (grad) {
            int[] saved = rows.clone();
            tape.record(out, () -> Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, table.gradBuffer(),
                    Nd4j.createFromArray(saved), out.grad(), 1));
        }
        return out;
    }
}
