package org.prefalign.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
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
import org.prefalign.core.kernel.TokenLogProbKernel;
import org.prefalign.core.kernel.TokenLogProbKernels;
import org.prefalign.core.kernel.TokenLogProbs;

/**
 * Token log-probs from logits [8, 256, 32000] float32 (262 MB), forward and backward, for the
 * kernel {@link TokenLogProbKernels#select} picks (the Vector API one on a CPU), the scalar
 * kernel, the ND4J-ops kernel, and the memory-bandwidth floor ({@link BandwidthFloor}), on 1 and
 * 2 threads. {@link BenchReport} turns the times into GB/s of logits read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.HEAP, BenchJvm.MAX_BYTES,
        BenchJvm.MAX_PHYSICAL_BYTES, BenchJvm.QUIET_LOG})
public class TokenLogProbsBenchmark {

    public static final int BATCH = 8;
    public static final int TIME = 256;
    public static final int VOCAB = 32000;
    /** Bytes of logits every method reads once. */
    public static final long LOGIT_BYTES = 4L * BATCH * TIME * VOCAB;

    @Param({"1", "2"})
    public int threads;

    private INDArray logits;
    private INDArray targets;
    private INDArray upstream;
    private INDArray lse;
    private INDArray grad;
    private TokenLogProbKernel selected;
    private TokenLogProbKernel scalar;
    private TokenLogProbKernel nd4j;

    @Setup
    public void setUp() {
        if (!TokenLogProbKernels.vectorApiAvailable()) {
            throw new IllegalStateException("run the benchmark JVM with --add-modules jdk.incubator.vector");
        }
        Nd4j.getRandom().setSeed(42);
        logits = Nd4j.randn(DataType.FLOAT, BATCH, TIME, VOCAB).muli(3);
        Random rnd = new Random(43);
        long[] ids = new long[BATCH * TIME];
        double[] u = new double[BATCH * TIME];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(VOCAB);
            u[i] = rnd.nextDouble() * 2 - 1;
        }
        targets = Nd4j.createFromArray(ids).reshape(BATCH, TIME);
        upstream = Nd4j.createFromArray(u).reshape(BATCH, TIME).castTo(DataType.FLOAT);
        selected = TokenLogProbKernels.select(threads, TokenLogProbKernel.DEFAULT_IGNORE_INDEX);
        scalar = TokenLogProbKernels.scalar(threads, TokenLogProbKernel.DEFAULT_IGNORE_INDEX);
        nd4j = TokenLogProbKernels.nd4j(TokenLogProbKernel.DEFAULT_IGNORE_INDEX);
        Nd4j.getEnvironment().setMaxThreads(threads); // the ND4J kernel's op threads
        lse = selected.forward(logits, targets).lse();
        grad = Nd4j.createUninitialized(DataType.FLOAT, BATCH, TIME, VOCAB);
    }

    @Benchmark
    public TokenLogProbs forwardSelected() {
        return selected.forward(logits, targets);
    }

    @Benchmark
    public TokenLogProbs forwardScalar() {
        return scalar.forward(logits, targets);
    }

    @Benchmark
    public TokenLogProbs forwardNd4j() {
        return nd4j.forward(logits, targets);
    }

    @Benchmark
    public double bandwidthFloor() {
        return BandwidthFloor.sum(logits, threads);
    }

    @Benchmark
    public INDArray backwardSelected() {
        selected.backward(logits, targets, lse, upstream, grad);
        return grad;
    }

    @Benchmark
    public INDArray backwardScalar() {
        scalar.backward(logits, targets, lse, upstream, grad);
        return grad;
    }

    @Benchmark
    public INDArray backwardNd4j() {
        nd4j.backward(logits, targets, lse, upstream, grad);
        return grad;
    }
}
