package org.prefalign.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks and prints what they mean: GB/s of logits read for
 * {@link TokenLogProbsBenchmark} (with the selected kernel's share of the bandwidth floor and its
 * speed-up over ND4J ops), ns per pair for {@link PairwiseObjectiveBenchmark} (over every pairwise
 * type registered now). Next to JMH's mean it prints the best iteration, which other processes
 * on a shared machine disturb least.
 *
 * <pre>java -cp prefalign-bench/target/benchmarks.jar org.prefalign.bench.BenchReport [tokens] [pairwise]</pre>
 */
public final class BenchReport {

    private BenchReport() {
    }

    public static void main(String[] args) throws RunnerException {
        List<String> parts = args.length == 0 ? List.of("tokens", "pairwise") : List.of(args);
        List<String> summary = new ArrayList<>();
        if (parts.contains("tokens")) {
            summary.addAll(tokenLogProbs());
        }
        if (parts.contains("pairwise")) {
            summary.addAll(pairwise());
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    private static List<String> tokenLogProbs() throws RunnerException {
        Options o = new OptionsBuilder().include(TokenLogProbsBenchmark.class.getName() + "\\.").build();
        Collection<RunResult> results = new Runner(o).run();
        // method -> threads -> ms/op (mean) and ms/op (best iteration)
        Map<String, Map<Integer, Double>> ms = new TreeMap<>();
        Map<String, Map<Integer, Double>> best = new TreeMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(TokenLogProbsBenchmark.class.getName().length() + 1);
            int threads = Integer.parseInt(r.getParams().getParam("threads"));
            ms.computeIfAbsent(method, k -> new TreeMap<>()).put(threads, r.getPrimaryResult().getScore());
            best.computeIfAbsent(method, k -> new TreeMap<>()).put(threads,
                    r.getPrimaryResult().getStatistics().getMin());
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Token log-probs, logits [%d, %d, %d] float32 = %.0f MB (GB/s = logits bytes / time)",
                TokenLogProbsBenchmark.BATCH, TokenLogProbsBenchmark.TIME, TokenLogProbsBenchmark.VOCAB,
                TokenLogProbsBenchmark.LOGIT_BYTES / 1e6));
        lines.add(String.format(Locale.ROOT, "%-18s %8s %12s %10s %14s %10s", "case", "threads", "mean ms/op", "mean GB/s",
                "best ms/op", "best GB/s"));
        ms.forEach((method, byThreads) -> byThreads.forEach((threads, score) -> {
            double min = best.get(method).get(threads);
            lines.add(String.format(Locale.ROOT, "%-18s %8d %12.2f %10.2f %14.2f %10.2f", method, threads, score,
                    gbPerSecond(score), min, gbPerSecond(min)));
        }));
        for (Map<String, Map<Integer, Double>> table : List.of(ms, best)) {
            for (int threads : table.getOrDefault("forwardSelected", Map.of()).keySet()) {
                Double fwd = table.get("forwardSelected").get(threads);
                Double floor = table.getOrDefault("bandwidthFloor", Map.of()).get(threads);
                Double nd4j = table.getOrDefault("forwardNd4j", Map.of()).get(threads);
                lines.add(String.format(Locale.ROOT,
                        "%s, threads=%d: forward (selected kernel) at %.0f%% of the bandwidth floor (goal >= 80%%), "
                                + "%.1fx the ND4J-ops path (goal >= 20x)", table == ms ? "mean" : "best", threads,
                        floor == null ? Double.NaN : 100 * floor / fwd, nd4j == null ? Double.NaN : nd4j / fwd));
            }
        }
        return lines;
    }

    private static List<String> pairwise() throws RunnerException {
        PairwiseObjectiveBenchmark.requireListMatchesRegistry();
        List<String> types = PairwiseObjectiveBenchmark.pairwiseTypes();
        Options o = new OptionsBuilder().include(PairwiseObjectiveBenchmark.class.getName() + "\\.")
                .param("type", types.toArray(new String[0])).build();
        Collection<RunResult> results = new Runner(o).run();
        List<String> lines = new ArrayList<>();
        lines.add("Pairwise objectives, B = " + PairwiseObjectiveBenchmark.PAIRS + ", forward + gradient");
        lines.add(String.format(Locale.ROOT, "%-14s %12s %14s %12s %14s", "type", "mean us/op", "mean ns/pair",
                "best us/op", "best ns/pair"));
        Map<String, RunResult> byType = new TreeMap<>();
        for (RunResult r : results) {
            byType.put(r.getParams().getParam("type"), r);
        }
        byType.forEach((type, r) -> {
            double mean = r.getPrimaryResult().getScore();
            double min = r.getPrimaryResult().getStatistics().getMin();
            lines.add(String.format(Locale.ROOT, "%-14s %12.1f %14.1f %12.1f %14.1f", type, mean,
                    mean * 1000 / PairwiseObjectiveBenchmark.PAIRS, min, min * 1000 / PairwiseObjectiveBenchmark.PAIRS));
        });
        return lines;
    }

    private static double gbPerSecond(double msPerOp) {
        return TokenLogProbsBenchmark.LOGIT_BYTES / (msPerOp * 1e-3) / 1e9;
    }
}
