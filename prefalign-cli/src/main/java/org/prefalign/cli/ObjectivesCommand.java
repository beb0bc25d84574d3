package org.prefalign.cli;

import java.io.PrintWriter;
import org.prefalign.algorithms.objective.ListwiseObjective;
import org.prefalign.algorithms.objective.Objective;
import org.prefalign.algorithms.objective.ObjectiveConfig;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseObjective;
import org.prefalign.algorithms.objective.PolicyGradientObjective;
import org.prefalign.algorithms.objective.RewardObjective;
import org.prefalign.algorithms.objective.UnpairedObjective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code prefalign objectives [JSON]}: lists every objective type by kind, or validates one
 * objective config and prints what it builds (the same check {@code train} applies).
 */
@Command(name = "objectives", mixinStandardHelpOptions = true,
        description = {"List the objective types, or check an objective config.",
            "Example: prefalign objectives '{\"type\": \"sigmoid\", \"beta\": 0.1}'"})
final class ObjectivesCommand implements Runnable {

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "JSON", description = "An objective config to validate.")
    private String json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (json != null) {
            Objective o = Objectives.fromJson(json);
            out.println(o.type() + ": " + kind(o) + " (" + o.getClass().getName() + ")");
            return;
        }
        for (String type : Objectives.types()) {
            if (type.equals(ObjectiveConfig.COMBINED)) {
                out.printf("%-22s %s%n", "[t1, t2, ...]", "pairwise: weighted sum (loss_weights)");
                continue;
            }
            String kind;
            try {
                kind = kind(Objectives.fromJson("{\"type\": \"" + type + "\"}"));
            } catch (IllegalArgumentException e) {
                kind = "needs parameters: " + e.getMessage();
            }
            out.printf("%-22s %s%n", type, kind);
        }
    }

    private static String kind(Objective o) {
        if (o instanceof PairwiseObjective p) {
            return p.requiresReference() ? "pairwise" : "pairwise, reference-free";
        }
        if (o instanceof UnpairedObjective) {
            return "unpaired";
        }
        if (o instanceof RewardObjective) {
            return "reward model";
        }
        if (o instanceof ListwiseObjective) {
            return "listwise";
        }
        if (o instanceof PolicyGradientObjective) {
            return "policy gradient";
        }
        return o.getClass().getSimpleName();
    }
}
