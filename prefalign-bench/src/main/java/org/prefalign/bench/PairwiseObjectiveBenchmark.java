package org.prefalign.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.prefalign.algorithms.objective.Objective;
import org.prefalign.algorithms.objective.ObjectiveResult;
import org.prefalign.algorithms.objective.Objectives;
import org.prefalign.algorithms.objective.PairwiseLogps;
import org.prefalign.algorithms.objective.PairwiseObjective;

/**
 * Forward and gradient of every pairwise objective at B = 4096 pairs, built with its defaults
 * from {@code {"type": t}}. {@link BenchReport} reports ns per pair.
 *
 * <p>The {@code type} list below is checked against the registry at set-up, both ways: a listed
 * type that is not registered, or does not build as a pairwise objective from its defaults, fails
 * set-up; so does a registered type that builds as one but is missing from the list. Types that
 * need parameters without defaults (e.g. {@code exo_pair}'s label smoothing, {@code combined}) or
 * are not pairwise are out of scope. Inputs are random with a fixed seed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.HEAP, BenchJvm.MAX_BYTES,
        BenchJvm.MAX_PHYSICAL_BYTES, BenchJvm.QUIET_LOG})
public class PairwiseObjectiveBenchmark {

    public static final int PAIRS = 4096;

    @Param({"aot", "aot_unpaired", "apo_down", "apo_zero", "bco_pair", "cpo", "discopop", "hinge", "ipo", "nca_pair",
            "orpo", "robust", "sft", "sigmoid", "sigmoid_norm", "simpo", "sppo_hard"})
    public String type;

    private PairwiseObjective objective;
    private PairwiseLogps inputs;

    @Setup
    public void setUp() {
        requireListMatchesRegistry();
        if (!pairwiseTypes().contains(type)) {
            throw new IllegalStateException("type '" + type + "' is not a registered pairwise objective that builds from "
                    + config(type) + "; those are " + pairwiseTypes());
        }
        // vectors of 4096 values: ND4J's op threads would only contend with each other (and on a
        // shared machine with everyone else), as in the tests' OMP_NUM_THREADS=1
        Nd4j.getEnvironment().setMaxThreads(1);
        objective = (PairwiseObjective) Objectives.fromJson(config(type));
        inputs = randomInputs(objective.requiresReference(), 7);
        double loss = objective.compute(inputs).loss();
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("objective '" + type + "' gives a non-finite loss " + loss);
        }
    }

    @Benchmark
    public ObjectiveResult forwardAndGradient() {
        return objective.compute(inputs);
    }

    /** The registered types that build as a {@link PairwiseObjective} from their defaults, sorted. */
    public static List<String> pairwiseTypes() {
        List<String> types = new ArrayList<>();
        for (String t : Objectives.types()) {
            Objective o;
            try {
                o = Objectives.fromJson(config(t));
            } catch (IllegalArgumentException needsParameters) {
                continue;
            }
            if (o instanceof PairwiseObjective) {
                types.add(t);
            }
        }
        return types;
    }

    /** The types of the {@code @Param} list of {@link #type}. */
    public static List<String> listedTypes() {
        try {
            return List.of(PairwiseObjectiveBenchmark.class.getField("type").getAnnotation(Param.class).value());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails unless the {@code @Param} list is exactly the registered pairwise types. */
    static void requireListMatchesRegistry() {
        List<String> pairwise = pairwiseTypes();
        List<String> problems = new ArrayList<>();
        for (String t : listedTypes()) {
            if (!Objectives.types().contains(t)) {
                problems.add("'" + t + "' is not registered (Objectives.types() = " + Objectives.types() + ")");
            } else if (!pairwise.contains(t)) {
                problems.add("'" + t + "' does not build as a PairwiseObjective from " + config(t));
            }
        }
        TreeSet<String> unlisted = new TreeSet<>(pairwise);
        listedTypes().forEach(unlisted::remove);
        if (!unlisted.isEmpty()) {
            problems.add("registered pairwise types " + unlisted + " are missing from the @Param list");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("PairwiseObjectiveBenchmark's type list is out of date: "
                    + String.join("; ", problems));
        }
    }

    private static String config(String type) {
        return "{\"type\": \"" + type + "\"}";
    }

    /**
     * Summed completion log-probs of plausible size: policy in [−200, −20], the reference within a
     * few nats of it, completions of 10 to 200 tokens.
     */
    static PairwiseLogps randomInputs(boolean withReference, long seed) {
        Random rnd = new Random(seed);
        double[] pc = new double[PAIRS];
        double[] pr = new double[PAIRS];
        double[] rc = new double[PAIRS];
        double[] rr = new double[PAIRS];
        double[] tc = new double[PAIRS];
        double[] tr = new double[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            pc[i] = -20 - 180 * rnd.nextDouble();
            pr[i] = -20 - 180 * rnd.nextDouble();
            rc[i] = pc[i] + 2 * rnd.nextGaussian();
            rr[i] = pr[i] + 2 * rnd.nextGaussian();
            tc[i] = 10 + rnd.nextInt(191);
            tr[i] = 10 + rnd.nextInt(191);
        }
        return new PairwiseLogps(vector(pc), vector(pr), withReference ? vector(rc) : null,
                withReference ? vector(rr) : null, vector(tc), vector(tr));
    }

    private static INDArray vector(double[] v) {
        return Nd4j.createFromArray(Arrays.copyOf(v, v.length));
    }
}
