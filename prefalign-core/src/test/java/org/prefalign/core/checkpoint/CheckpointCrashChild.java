package org.prefalign.core.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Tensor;

/**
 * The process {@link CheckpointCrashTest} kills: saves checkpoint after checkpoint under the
 * directory given, step k holding parameters all equal to k and a counter k, keeping the newest two,
 * and prints "saved k" after each. Runs until killed.
 */
public final class CheckpointCrashChild {

    private CheckpointCrashChild() {
    }

    /** A part whose only state is a counter in the metadata. */
    static final class Counter implements Checkpointable {
        long value;

        @Override
        public StateSnapshot saveState() {
            ObjectNode m = StateSnapshot.newMetadata();
            m.put("value", value);
            return StateSnapshot.of(m);
        }

        @Override
        public void restoreState(StateSnapshot state) {
            value = state.longField("value");
        }
    }

    /** Four float tensors of 1 MiB each, as {@link ParameterState} sees a model. */
    static Map<String, Tensor> parameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            p.put("layer" + i + ".weight", Tensor.parameter(Nd4j.create(DataType.FLOAT, 512, 512)));
        }
        return p;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Map<String, Tensor> params = parameters();
        Counter counter = new Counter();
        Map<String, Checkpointable> parts = Map.of("model", new ParameterState(() -> params), "counter", counter);
        for (long k = 1; ; k++) {
            for (Tensor t : params.values()) {
                t.value().assign(k);
            }
            counter.value = k;
            Checkpoint.save(Checkpoint.directoryFor(root, k), k, parts);
            Checkpoint.prune(root, 2);
            System.out.println("saved " + k);
        }
    }
}
