package org.prefalign.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.sampling.Completion;
import org.prefalign.core.sampling.DecodePath;
import org.prefalign.core.sampling.Sampler;
import org.prefalign.core.sampling.SamplingConfig;
import org.prefalign.core.sampling.host.DecodeKernels;

/**
 * Batched sampling throughput on stories260K: 32 sequences × 256 new tokens from BOS
 * (temperature 1, no stop token, so every run makes exactly 8,192 tokens), on the host path
 * (Vector API kernel, and the scalar fallback) and the ND4J path, at 1 and 2 threads. Prints
 * tokens/s (the median of the timed runs) and the load average, since other work on the machine
 * takes cores from the run. The host path's time includes its weight snapshot (every generate
 * call takes one).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp prefalign-bench/target/benchmarks.jar \
 *     org.prefalign.bench.SamplingBenchmark [stories260K.gguf] [runs]</pre>
 */
public final class SamplingBenchmark {

    static final int SEQUENCES = 32;
    static final int NEW_TOKENS = 256;
    private static final int BOS = 1;

    private SamplingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0])
                : Path.of(System.getProperty("prefalign.shared", "../shared"), "models", "stories260K.gguf");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!DecodeKernels.vectorApiAvailable()) {
            throw new IllegalStateException("run the benchmark JVM with --add-modules jdk.incubator.vector");
        }
        LlamaModel model = LlamaModel.fromGguf(file);
        List<int[]> prompts = Collections.nCopies(SEQUENCES, new int[] {BOS});
        Sampler base = new Sampler(model, SamplingConfig.sample(1.0, NEW_TOKENS, 42));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Sampling stories260K: %d sequences x %d new tokens, temperature 1 (%d cores; load average before: %s)",
                SEQUENCES, NEW_TOKENS, Runtime.getRuntime().availableProcessors(), loadAverage()));
        lines.add(String.format(Locale.ROOT, "%-14s %8s %12s %10s %10s", "path", "threads", "tokens/s", "ms/run", "runs"));
        for (int threads : new int[] {1, 2}) {
            lines.add(measure("host vector", base.withHostKernel(DecodeKernels.vector()).withThreads(threads), threads, prompts, runs));
        }
        for (int threads : new int[] {1, 2}) {
            lines.add(measure("host scalar", base.withHostKernel(DecodeKernels.scalar()).withThreads(threads), threads, prompts,
                    Math.max(1, runs / 2)));
        }
        for (int threads : new int[] {1, 2}) {
            Nd4j.getEnvironment().setMaxThreads(threads); // ND4J's op threads
            lines.add(measure("nd4j", base.withPath(DecodePath.ND4J), threads, prompts, Math.max(1, runs / 2)));
        }
        lines.add("load average after: " + loadAverage() + " (goal: >= 16,000 tokens/s)");
        lines.forEach(System.out::println);
    }

    /** One warm-up run, then the median tokens/s of the timed runs. */
    private static String measure(String name, Sampler sampler, int threads, List<int[]> prompts, int runs) {
        count(sampler.generate(prompts));
        double[] seconds = new double[runs];
        long tokens = 0;
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            tokens = count(sampler.generate(prompts));
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[runs / 2];
        String line = String.format(Locale.ROOT, "%-14s %8d %12.0f %10.1f %10d", name, threads, tokens / median, median * 1e3, runs);
        System.out.println(line);
        return line;
    }

    private static long count(List<Completion> completions) {
        long n = 0;
        for (Completion c : completions) {
            n += c.tokens().length;
        }
        if (n != (long) SEQUENCES * NEW_TOKENS) {
            throw new IllegalStateException("expected " + SEQUENCES * NEW_TOKENS + " tokens, got " + n);
        }
        return n;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
