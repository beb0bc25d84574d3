package org.prefalign.algorithms.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The independent reference values in {@code ../shared/golden} (float64 PyTorch autograd of TRL's
 * formulas). The directory comes from the {@code prefalign.shared} system property that the build
 * sets, or {@code ../shared} beside the working directory's project.
 */
public final class Golden {

    private Golden() {
    }

    /** The parsed {@code objectives-public.json}. */
    public static JsonNode objectives() {
        return read("golden/objectives-public.json");
    }

    /** The cases of one section of {@code objectives-public.json}: {@code pairwise}, {@code kto}, {@code reward}. */
    public static List<JsonNode> cases(String section) {
        List<JsonNode> out = new ArrayList<>();
        objectives().get(section).forEach(out::add);
        return out;
    }

    /** A file under the shared directory, parsed as JSON. */
    public static JsonNode read(String relative) {
        Path p = shared().resolve(relative);
        try {
            return new ObjectMapper().readTree(Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + p, e);
        }
    }

    /** The shared directory. */
    public static Path shared() {
        String prop = System.getProperty("prefalign.shared");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("shared");
            if (Files.isDirectory(s.resolve("golden"))) {
                return s;
            }
        }
        throw new IllegalStateException("no shared/golden directory found; set -Dprefalign.shared");
    }

    /** A JSON number array as doubles. */
    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** A JSON number array as a double INDArray vector. */
    public static INDArray vector(JsonNode array) {
        return Nd4j.createFromArray(doubles(array));
    }
}
