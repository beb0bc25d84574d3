package org.prefalign.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.autodiff.Implementation;
import org.prefalign.core.autodiff.Tape;
import org.prefalign.core.autodiff.Tensor;
import org.prefalign.core.autodiff.TokenLogProbs;
import org.prefalign.core.kernel.TokenLogProbKernel;
import org.prefalign.core.kernel.TokenLogProbKernels;

/**
 * Peak memory of token log-probs with their gradient, vocabulary 32,000, 8 × 512 tokens: the
 * chunked output projection + log-softmax + pick ({@link TokenLogProbs}) against logits
 * materialised as [B, T, V] (524 MB of float32).
 *
 * <p>Inputs: a synthetic final hidden state [4096, 288] and a random output head [32000, 288], both
 * float32 parameters (288 is the width of llama2.c's stories15M; the logits' size does not depend
 * on it, the gradients' 41.6 MB do). One forward and one backward (upstream 1 for every token, so
 * both gradients are allocated and filled) per measurement. Variants:
 * <ul>
 *   <li>{@code chunked}: {@link TokenLogProbs} as the model runs it, 131-row chunks (16 MiB of
 *       logits at a time), Vector API kernel in place.</li>
 *   <li>{@code chunked-nd4j}: the same with the ND4J-ops kernel (what CUDA runs).</li>
 *   <li>{@code one-chunk}: {@link TokenLogProbs} with all 4,096 rows in one chunk: the [B, T, V]
 *       logits exist, but only while the forward (then the backward) uses them.</li>
 *   <li>{@code materialised}: what autograd over full logits keeps: z = h Wᵀ lives from the
 *       forward to the backward, which writes dz into a second [B, T, V] array; the log-softmax
 *       and pick are the same one-pass kernel, so its own temporaries do not inflate the figure.</li>
 * </ul>
 *
 * <p><b>How memory is measured.</b> ND4J's CPU buffers are allocated by libnd4j, not through
 * JavaCPP, so {@code Pointer.totalBytes()} does not see them, nor does ND4J's memory manager count
 * them (both checked). The process's resident set does, and Linux keeps its exact high-water mark
 * ({@code VmHWM} in {@code /proc/self/status}), which writing 5 to {@code /proc/self/clear_refs}
 * resets: no sampling, nothing missed. For the resident set to follow allocations, freed buffers
 * must leave it: each variant's JVM runs with glibc's {@code MALLOC_MMAP_THRESHOLD_=65536}, so every
 * buffer above 64 KiB is mapped when allocated and unmapped when freed (by default glibc raises the
 * threshold after the first large free and then recycles freed memory without returning it, and a
 * peak would be missed). Each variant runs in a fresh JVM with a pre-touched fixed heap
 * ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so the heap adds nothing to the resident set
 * while measuring; the figure is the peak resident set above the level just before the measured
 * forward (inputs resident, a first warm-up pass done and freed). The JVM first checks the method
 * on a known allocation (a 256 MiB array must read as 268 MB). The heap's own peak comes from the
 * memory pools' peak usage (after a GC and a reset).
 *
 * <pre>java -cp prefalign-bench/target/benchmarks.jar org.prefalign.bench.LogProbMemoryBenchmark</pre>
 */
public final class LogProbMemoryBenchmark {

    static final int BATCH = 8;
    static final int TIME = 512;
    static final int VOCAB = 32_000;
    static final int HIDDEN = 288;
    private static final int ROWS = BATCH * TIME;
    private static final List<String> VARIANTS = List.of("chunked", "chunked-nd4j", "one-chunk", "materialised");
    private static final String[] CHILD_JVM = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "--add-modules",
        "jdk.incubator.vector", "-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"};

    private LogProbMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            System.out.println(measureHere(args[0]));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Token log-probs, forward + backward: V = %d, B x T = %d x %d, hidden %d, float32;"
                + " [B, T, V] logits = %.1f MB; load average %.2f", VOCAB, BATCH, TIME, HIDDEN, (double) ROWS * VOCAB * 4 / 1e6,
                DpoStepBenchmark.loadAverage()));
        lines.add(String.format(Locale.ROOT, "%-14s %16s %14s %10s   %s", "variant", "peak off-heap MB", "peak heap MB", "ms (1 run)",
                "check (256 MiB array reads as)"));
        List<Double> peaks = new ArrayList<>();
        for (String v : VARIANTS) {
            String line = runChild(v);
            lines.add(line);
            peaks.add(Double.parseDouble(line.trim().split("\\s+")[1]));
        }
        double chunked = peaks.get(0);
        lines.add(String.format(Locale.ROOT, "chunked / materialised = %.1f%%, chunked / one-chunk = %.1f%% (goal <= 25%%)",
                100 * chunked / peaks.get(3), 100 * chunked / peaks.get(2)));
        lines.forEach(System.out::println);
    }

    /** Runs one variant in a fresh JVM with the fixed pre-touched heap; its one line of output. */
    private static String runChild(String variant) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(CHILD_JVM));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LogProbMemoryBenchmark.class.getName(), variant));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // a fixed threshold (no dynamic raise) makes glibc map every buffer over 64 KiB afresh and
        // unmap it when freed, so a buffer is resident exactly while it is allocated
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("variant " + variant + " failed: " + out);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    /** Measures {@code variant} in this JVM; one line: name, peak off-heap MB, peak heap MB, ms, check. */
    static String measureHere(String variant) throws IOException {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("variant must be one of " + VARIANTS + ", got " + variant);
        }
        Nd4j.gemm(Nd4j.ones(DataType.FLOAT, 64, 64), Nd4j.ones(DataType.FLOAT, 64, 64), false, true); // backend loaded
        double check = checkOnKnownAllocation();
        Random rng = new Random(7);
        INDArray hidden = gaussian(rng, 1.0, ROWS, HIDDEN);
        INDArray head = gaussian(rng, 1.0 / Math.sqrt(HIDDEN), VOCAB, HIDDEN);
        int[] targets = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            targets[i] = rng.nextInt(VOCAB);
        }
        run(variant, hidden, head, targets); // warm-up: library buffers, JIT
        System.gc();
        resetPeaks();
        long before = residentPeak();
        long t0 = System.nanoTime();
        run(variant, hidden, head, targets);
        long t1 = System.nanoTime();
        double offHeap = (residentPeak() - before) / 1e6;
        return String.format(Locale.ROOT, "%-14s %16.1f %14.1f %10.0f   %.1f MB", variant, offHeap, heapPeak() / 1e6,
                (t1 - t0) / 1e6, check);
    }

    /**
     * One forward and backward of {@code variant}; the parameters are fresh, so their gradients
     * are allocated inside the measurement, and freed after it.
     */
    private static void run(String variant, INDArray hiddenValue, INDArray headValue, int[] targets) {
        Tensor hidden = Tensor.parameter(hiddenValue);
        Tensor head = Tensor.parameter(headValue);
        INDArray[] grads = switch (variant) {
            case "chunked" -> tapeRun(hidden, head, targets, TokenLogProbs.defaultChunkRows(VOCAB), Implementation.AUTO);
            case "chunked-nd4j" -> tapeRun(hidden, head, targets, TokenLogProbs.defaultChunkRows(VOCAB),
                    Implementation.ARRAY_OPS);
            case "one-chunk" -> tapeRun(hidden, head, targets, ROWS, Implementation.AUTO);
            default -> materialisedRun(hidden.value(), head.value(), targets);
        };
        for (INDArray g : grads) {
            g.close();
        }
    }

    /** d(Σ logp)/d hidden and d(Σ logp)/d head through {@link TokenLogProbs}. */
    private static INDArray[] tapeRun(Tensor hidden, Tensor head, int[] targets, int chunkRows, Implementation impl) {
        try (Tape tape = Tape.recording()) {
            Tensor logps = TokenLogProbs.apply(tape, hidden, head, targets, 1.0, chunkRows, impl);
            INDArray seed = Nd4j.ones(DataType.FLOAT, ROWS);
            tape.backward(logps, seed);
            seed.close();
        }
        return new INDArray[] {hidden.grad(), head.grad()};
    }

    /** The same gradients with the full logits z kept from forward to backward and dz in an array of its own. */
    private static INDArray[] materialisedRun(INDArray hidden, INDArray head, int[] targets) {
        TokenLogProbKernel kernel = TokenLogProbKernels.select();
        INDArray ids = Nd4j.createFromArray(targets).reshape(BATCH, TIME);
        INDArray z = Nd4j.gemm(hidden, head, false, true);
        org.prefalign.core.kernel.TokenLogProbs out = kernel.forward(z.reshape(BATCH, TIME, VOCAB), ids);
        INDArray upstream = Nd4j.ones(DataType.FLOAT, BATCH, TIME);
        INDArray dz = Nd4j.create(DataType.FLOAT, ROWS, VOCAB);
        kernel.backward(z.reshape(BATCH, TIME, VOCAB), ids, out.lse(), upstream, dz.reshape(BATCH, TIME, VOCAB));
        INDArray dh = Nd4j.gemm(dz, head, false, false);
        INDArray dw = Nd4j.gemm(dz, hidden, true, false);
        z.close();
        dz.close();
        for (INDArray a : new INDArray[] {ids, upstream, out.logp(), out.lse()}) {
            a.close();
        }
        return new INDArray[] {dh, dw};
    }

    /** A 256 MiB array must raise the resident peak by about 268 MB: what the method reads, in MB. */
    private static double checkOnKnownAllocation() throws IOException {
        resetPeaks();
        long before = residentPeak();
        INDArray known = Nd4j.create(DataType.FLOAT, 64L << 20); // zero-filled, so every page is touched
        double mb = (residentPeak() - before) / 1e6;
        known.close();
        return mb;
    }

    private static INDArray gaussian(Random rng, double scale, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    /** Resets the kernel's resident high-water mark and the heap pools' peaks. */
    private static void resetPeaks() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** VmHWM, the resident set's high-water mark, in bytes. */
    private static long residentPeak() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("/proc/self/status has no VmHWM (Linux only)");
    }

    /** The sum of the heap pools' peak usage since the last reset. */
    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
