package org.prefalign.data.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.prefalign.core.model.CausalLM;
import org.prefalign.core.sampling.Completion;
import org.prefalign.core.sampling.Sampler;
import org.prefalign.core.sampling.SamplingConfig;
import org.prefalign.data.batch.ContentTokenizer;
import org.prefalign.data.batch.Truncation;
import org.prefalign.data.batch.TruncationStats;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;

/**
 * The on-policy source of DESIGN.md: prompts in, the current policy samples n completions for
 * each (a group), recording the sampler's token log-probs and why each completion ended.
 *
 * <p><b>Seeding.</b> Completion j of prompt id p in round r draws from its own random stream,
 * seeded by a hash of (the sampling config's seed, r, p, j) ({@link #seedOf}). The sampler gives a
 * sequence the same tokens whatever else is in its batch, so a prompt's completions do not depend
 * on which prompts it is sampled with, on their order, or on {@link Builder#maxSequencesPerCall}:
 * bit for bit on the sampler's host path, up to float rounding of padded matmuls on its ND4J path.
 * A new round (a training step) draws fresh completions.
 *
 * <p><b>Prompts</b> are tokenized as training tokenizes them ({@link ContentTokenizer#promptIds}:
 * chat rendered with the generation prompt), cut by the prompt rule of an optional
 * {@link Truncation} (counted in {@link #truncationStats()}).
 *
 * <p>The sampler reads the policy's weights at each call, so the source always samples from the
 * policy as it is now. Not thread-safe (sampling is parallel inside the sampler).
 */
public final class OnPolicySource {

    /** 2⁶⁴/φ, SplitMix64's increment: separates the hashed numbers' inputs. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    /** Builds an {@link OnPolicySource}. */
    public static final class Builder {
        private final CausalLM policy;
        private final ContentTokenizer content;
        private SamplingConfig sampling;
        private int completionsPerPrompt = 1;
        private Truncation promptTruncation = Truncation.NONE;
        private int maxSequencesPerCall = 64;
        private UnaryOperator<Sampler> samplerSettings = UnaryOperator.identity();

        private Builder(CausalLM policy, ContentTokenizer content) {
            this.policy = Objects.requireNonNull(policy, "policy");
            this.content = Objects.requireNonNull(content, "content");
        }

        /**
         * How to sample (temperature, top-k/p, max new tokens, stop tokens, root seed); required.
         * Give the tokenizer's EOS (or the template's end-of-turn token) as a stop token, or every
         * completion runs to {@code maxNewTokens}.
         */
        public Builder sampling(SamplingConfig config) {
            this.sampling = Objects.requireNonNull(config, "sampling");
            return this;
        }

        /** n, the completions per prompt (default 1). */
        public Builder completionsPerPrompt(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("completionsPerPrompt must be >= 1, got " + n);
            }
            this.completionsPerPrompt = n;
            return this;
        }

        /** Prompts longer than {@code truncation.maxPromptLength()} are cut by its prompt rule. */
        public Builder promptTruncation(Truncation truncation) {
            this.promptTruncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /** The most sequences one sampler call decodes together (default 64): a memory bound. */
        public Builder maxSequencesPerCall(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSequencesPerCall must be >= 1, got " + n);
            }
            this.maxSequencesPerCall = n;
            return this;
        }

        /** Adjusts each sampler before use, e.g. {@code s -> s.withThreads(2)} or a decode path. */
        public Builder samplerSettings(UnaryOperator<Sampler> settings) {
            this.samplerSettings = Objects.requireNonNull(settings, "samplerSettings");
            return this;
        }

        public OnPolicySource build() {
            if (sampling == null) {
                throw new IllegalStateException("an on-policy source needs a sampling config (sampling(...))");
            }
            return new OnPolicySource(this);
        }
    }

    private final CausalLM policy;
    private final ContentTokenizer content;
    private final SamplingConfig sampling;
    private final int n;
    private final Truncation promptTruncation;
    private final int maxSequencesPerCall;
    private final UnaryOperator<Sampler> samplerSettings;
    private final TruncationStats stats = new TruncationStats();

    private OnPolicySource(Builder b) {
        this.policy = b.policy;
        this.content = b.content;
        this.sampling = b.sampling;
        this.n = b.completionsPerPrompt;
        this.promptTruncation = b.promptTruncation;
        this.maxSequencesPerCall = b.maxSequencesPerCall;
        this.samplerSettings = b.samplerSettings;
    }

    /** A builder sampling from {@code policy}, whose vocabulary {@code content} tokenizes. */
    public static Builder builder(CausalLM policy, ContentTokenizer content) {
        return new Builder(policy, content);
    }

    /** Completions per prompt. */
    public int completionsPerPrompt() {
        return n;
    }

    /** Prompt tokens cut by the prompt truncation rule so far. */
    public TruncationStats truncationStats() {
        return stats;
    }

    /**
     * Samples {@link #completionsPerPrompt()} completions for every prompt.
     *
     * @param round the training round (step) this sampling belongs to; part of every seed
     * @return one group per prompt, in the prompts' order
     * @throws IllegalArgumentException for no prompts, or a prompt the sampler cannot continue
     *                                  (as long as the model's context)
     */
    public List<SampledGroup> sample(List<Prompt> prompts, long round) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("need at least one prompt to sample");
        }
        List<int[]> promptIds = new ArrayList<>(prompts.size());
        for (Prompt p : prompts) {
            int[] ids = content.promptIds(p.content());
            promptIds.add(promptTruncation.prompt(ids, content.tokenizer().bosId(), stats));
        }
        int total = prompts.size() * n;
        List<int[]> inputs = new ArrayList<>(total);
        long[] seeds = new long[total];
        for (int i = 0; i < prompts.size(); i++) {
            for (int j = 0; j < n; j++) {
                inputs.add(promptIds.get(i));
                seeds[i * n + j] = seedOf(sampling.seed(), round, prompts.get(i).id(), j);
            }
        }
        Sampler sampler = samplerSettings.apply(new Sampler(policy, sampling));
        List<Completion> completions = new ArrayList<>(total);
        for (int from = 0; from < total; from += maxSequencesPerCall) {
            int to = Math.min(total, from + maxSequencesPerCall);
            completions.addAll(sampler.generate(inputs.subList(from, to), Arrays.copyOfRange(seeds, from, to)));
        }
        List<SampledGroup> groups = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            List<Sample> samples = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                Completion c = completions.get(i * n + j);
                String text = content.tokenizer().decode(c.tokens(), true);
                samples.add(new Sample(c.tokens(), text, asContent(prompts.get(i).content(), text), c.logProbs(),
                        c.finishReason(), seeds[i * n + j]));
            }
            groups.add(new SampledGroup(prompts.get(i), promptIds.get(i), samples));
        }
        return groups;
    }

    /** A completion's text as content of its prompt's kind. */
    private static Content asContent(Content prompt, String text) {
        return prompt.isChat() ? Content.chat(Message.assistant(text)) : Content.text(text);
    }

    /**
     * The seed of completion {@code sample} of prompt {@code promptId} in {@code round}: the
     * SplitMix64 finaliser (Steele, Lea &amp; Flood, OOPSLA 2014) chained over the four numbers.
     */
    public static long seedOf(long root, long round, long promptId, int sample) {
        long h = mix64(root);
        h = mix64(h ^ mix64(round + GOLDEN_GAMMA));
        h = mix64(h ^ mix64(promptId + 2 * GOLDEN_GAMMA));
        return mix64(h ^ mix64(sample + 3 * GOLDEN_GAMMA));
    }

    /** Stafford's "Mix13" variant of MurmurHash3's 64-bit finaliser, as SplittableRandom uses it. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
