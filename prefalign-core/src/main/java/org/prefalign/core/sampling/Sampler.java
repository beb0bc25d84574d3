package org.prefalign.core.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.kernel.RowParallel;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.sampling.host.DecodeKernel;
import org.prefalign.core.sampling.host.DecodeKernels;

/**
 * Batched autoregressive sampling with a key/value cache, by either {@link DecodePath}: the host
 * decoder (chosen automatically for a float32 {@link LlamaModel} on the CPU backend) or the
 * model's ND4J {@code decode}.
 *
 * <p>Each sequence draws from its own random stream, so a sequence gets the same completion
 * whether it is sampled alone or in a batch: bit for bit on the host path, for any thread count;
 * up to float rounding of the padded batch's matmuls on the ND4J path.
 *
 * <p>The host path snapshots the weights at the start of every {@code generate} call (the model
 * may have been trained since the last one): a copy of the parameters, about a millisecond for
 * stories260K, on the order of a second per GB of weights.
 */
public final class Sampler {

    private final CausalLM model;
    private final SamplingConfig config;
    private final DecodePath path;
    private final int threads;
    private final DecodeKernel kernel;

    /** A sampler on the path {@link DecodePath#AUTO} picks, on all available processors. */
    public Sampler(CausalLM model, SamplingConfig config) {
        this(model, config, DecodePath.AUTO, Runtime.getRuntime().availableProcessors(), null);
    }

    private Sampler(CausalLM model, SamplingConfig config, DecodePath path, int threads, DecodeKernel kernel) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.path = resolve(model, Objects.requireNonNull(path, "path"));
        this.threads = RowParallel.requireThreads(threads);
        this.kernel = kernel != null ? kernel : this.path == DecodePath.HOST ? DecodeKernels.select() : null;
    }

    /**
     * The same sampler on the given path.
     *
     * @throws IllegalArgumentException when {@link DecodePath#HOST} is asked for a model other than a float32 LlamaModel
     */
    public Sampler withPath(DecodePath path) {
        return new Sampler(model, config, path, threads, null);
    }

    /**
     * The same sampler on {@code threads} threads (the host path spreads sequences over them;
     * the completions do not depend on the count).
     *
     * @throws IllegalArgumentException when threads &lt; 1
     */
    public Sampler withThreads(int threads) {
        return new Sampler(model, config, path, threads, kernel);
    }

    /** The same sampler on the host path with the given kernel (e.g. {@link DecodeKernels#scalar()}). */
    public Sampler withHostKernel(DecodeKernel kernel) {
        return new Sampler(model, config, DecodePath.HOST, threads, Objects.requireNonNull(kernel, "kernel"));
    }

    /** The path this sampler runs: {@link DecodePath#HOST} or {@link DecodePath#ND4J}, never AUTO. */
    public DecodePath path() {
        return path;
    }

    /** The host kernel's name, or "nd4j" on the ND4J path. */
    public String engine() {
        return kernel == null ? "nd4j" : kernel.name();
    }

    public SamplingConfig config() {
        return config;
    }

    /** Completions of the prompts, sequence i seeded by the i-th draw of a stream seeded by {@code config.seed()}. */
    public List<Completion> generate(List<int[]> prompts) {
        SplittableRandom root = new SplittableRandom(config.seed());
        long[] seeds = new long[prompts.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = root.nextLong();
        }
        return generate(prompts, seeds);
    }

    /**
     * Completions of the prompts, sequence i drawing from a stream seeded by {@code seeds[i]}.
     *
     * @throws IllegalArgumentException for no prompts, a seed count that differs, an empty prompt,
     *         a prompt as long as the context, or a token outside the vocabulary
     */
    public List<Completion> generate(List<int[]> prompts, long[] seeds) {
        checkPrompts(prompts, seeds);
        Continuation[] seqs = new Continuation[prompts.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = new Continuation(prompts.get(i).length, seeds[i], config, model.contextLength());
        }
        if (path == DecodePath.HOST) {
            HostGeneration.run((LlamaModel) model, kernel, threads, config.maxNewTokens(), prompts, seqs);
        } else {
            Nd4jGeneration.run(model, config.maxNewTokens(), prompts, seqs);
        }
        List<Completion> completions = new ArrayList<>(seqs.length);
        for (Continuation s : seqs) {
            completions.add(s.completion());
        }
        return completions;
    }

    private static DecodePath resolve(CausalLM model, DecodePath path) {
        boolean hostable = model instanceof LlamaModel && model.dataType() == DataType.FLOAT;
        return switch (path) {
            case AUTO -> hostable && Nd4j.getEnvironment().isCPU() ? DecodePath.HOST : DecodePath.ND4J;
            case ND4J -> DecodePath.ND4J;
            case HOST -> {
                if (!hostable) {
                    throw new IllegalArgumentException("the HOST decode path runs a float32 LlamaModel, got "
                            + model.getClass().getSimpleName() + " in " + model.dataType() + " (use ND4J or AUTO)");
                }
                yield DecodePath.HOST;
            }
        };
    }

    private void checkPrompts(List<int[]> prompts, long[] seeds) {
        int b = prompts.size();
        if (b == 0 || seeds.length != b) {
            throw new IllegalArgumentException("need at least one prompt and one seed per prompt, got "
                    + b + " prompts and " + seeds.length + " seeds");
        }
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty (start it with BOS)");
            }
            if (p.length >= model.contextLength()) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.length + " tokens, the context length is "
                        + model.contextLength());
            }
            for (int t : p) {
                if (t < 0 || t >= model.vocabSize()) {
                    throw new IllegalArgumentException("prompt " + i + " has token " + t + " outside [0, " + model.vocabSize() + ")");
                }
            }
        }
    }
}
