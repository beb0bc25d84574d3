package org.prefalign.data.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

/**
 * Records to padded token batches for training (a "data collator" in Hugging Face's words), in
 * two steps so that batches can be formed by length in between ({@link LengthBuckets}):
 *
 * <pre>{@code
 * Collator collator = Collator.of(ContentTokenizer.of(tokenizer, template))
 *         .withTruncation(Truncation.NONE.withMaxPromptLength(512, KEEP_END).withMaxLength(1024));
 * List<Encoded<PreferencePair>> encoded = collator.encodeAll(pairs);         // tokenize, truncate
 * for (List<Encoded<PreferencePair>> b : LengthBuckets.of(8, 16, seed).batches(encoded, Encoded::length)) {
 *     PairBatch batch = collator.pairs(b);                                  // pad
 *     ... ForwardPass.training(policy, batch.sequences().input()).tokenLogProbs(batch.sequences().targets())
 * }
 * }</pre>
 *
 * <p><b>Encoding</b> ({@link ContentTokenizer}): the chat template for chat content, prompt and
 * completion tokenized separately, then {@link Truncation}. An example with a row whose prompt
 * alone fills the maximum length is dropped (left out of {@link #encodeAll}, empty from
 * {@code encode}) and counted in {@link #truncationStats()}.
 *
 * <p><b>Padding</b> ({@link SequenceBatch}): right padding with {@code padId} (the tokenizer's
 * pad id, else 0) under attention mask 0, optionally to a multiple of a length.
 *
 * <p>Thread-safe: encoding may run on several threads (the statistics are atomic counters).
 */
public final class Collator {

    private final ContentTokenizer content;
    private final Truncation truncation;
    private final int padId;
    private final int padToMultipleOf;
    private final TruncationStats stats = new TruncationStats();

    private Collator(ContentTokenizer content, Truncation truncation, int padId, int padToMultipleOf) {
        this.content = Objects.requireNonNull(content, "content");
        this.truncation = Objects.requireNonNull(truncation, "truncation");
        if (padId < 0 || padId >= content.tokenizer().vocabSize()) {
            throw new IllegalArgumentException("padId must be in [0, " + content.tokenizer().vocabSize() + "), got " + padId);
        }
        if (padToMultipleOf < 1) {
            throw new IllegalArgumentException("padToMultipleOf must be >= 1, got " + padToMultipleOf);
        }
        this.padId = padId;
        this.padToMultipleOf = padToMultipleOf;
    }

    /** No truncation; padding with the tokenizer's pad id (else 0), not rounded. */
    public static Collator of(ContentTokenizer content) {
        return new Collator(content, Truncation.NONE, content.tokenizer().padId().orElse(0), 1);
    }

    /** The same with {@code truncation} (and fresh statistics). */
    public Collator withTruncation(Truncation truncation) {
        return new Collator(content, truncation, padId, padToMultipleOf);
    }

    /** The same padding with {@code padId} (and fresh statistics). */
    public Collator withPadId(int padId) {
        return new Collator(content, truncation, padId, padToMultipleOf);
    }

    /** The same padding every batch to a multiple of {@code n} tokens (and fresh statistics). */
    public Collator withPadToMultipleOf(int n) {
        return new Collator(content, truncation, padId, n);
    }

    public ContentTokenizer content() {
        return content;
    }

    public Truncation truncation() {
        return truncation;
    }

    public int padId() {
        return padId;
    }

    /** What truncation has cut and dropped so far in this collator. */
    public TruncationStats truncationStats() {
        return stats;
    }

    // ---------------------------------------------------------------- encoding

    /** A pair's rows: prompt + chosen, prompt + rejected; empty if dropped. */
    public Optional<Encoded<PreferencePair>> encode(PreferencePair pair) {
        return encode(pair, pair.prompt(), List.of(pair.chosen(), pair.rejected()));
    }

    /** A labelled completion's row; empty if dropped. */
    public Optional<Encoded<LabelledCompletion>> encode(LabelledCompletion example) {
        return encode(example, example.prompt(), List.of(example.completion()));
    }

    /** A scored completion's row; empty if dropped. */
    public Optional<Encoded<ScoredCompletion>> encode(ScoredCompletion example) {
        return encode(example, example.prompt(), List.of(example.completion()));
    }

    /** A ranking's rows, one per completion in its order; empty if dropped. */
    public Optional<Encoded<Ranking>> encode(Ranking ranking) {
        return encode(ranking, ranking.prompt(), ranking.completions());
    }

    /** An SFT example's row; empty if dropped. */
    public Optional<Encoded<SftExample>> encode(SftExample example) {
        return encode(example, example.prompt(), List.of(example.completion()));
    }

    /**
     * Every example encoded, in order, the dropped ones left out (and counted).
     *
     * @param examples {@link PreferencePair}s, {@link LabelledCompletion}s, {@link ScoredCompletion}s,
     *                 {@link Ranking}s or {@link SftExample}s
     */
    public <T> List<Encoded<T>> encodeAll(List<T> examples) {
        List<Encoded<T>> out = new ArrayList<>(examples.size());
        for (T e : examples) {
            encodeAny(e).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The examples of a stream (an {@link org.prefalign.data.source.OffPolicySource}) encoded as
     * they are read, the dropped ones left out (and counted): the input of
     * {@link LengthBuckets#batches(Iterator, java.util.function.ToIntFunction)}.
     */
    public <T> Iterator<Encoded<T>> encodeEach(Iterator<T> examples) {
        return new Iterator<>() {
            private Encoded<T> next;

            @Override
            public boolean hasNext() {
                while (next == null && examples.hasNext()) {
                    next = encodeAny(examples.next()).orElse(null);
                }
                return next != null;
            }

            @Override
            public Encoded<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Encoded<T> e = next;
                next = null;
                return e;
            }
        };
    }

    private <T> Optional<Encoded<T>> encodeAny(T e) {
        if (e instanceof PreferencePair p) {
            return encode(e, p.prompt(), List.of(p.chosen(), p.rejected()));
        } else if (e instanceof LabelledCompletion c) {
            return encode(e, c.prompt(), List.of(c.completion()));
        } else if (e instanceof ScoredCompletion c) {
            return encode(e, c.prompt(), List.of(c.completion()));
        } else if (e instanceof Ranking r) {
            return encode(e, r.prompt(), r.completions());
        } else if (e instanceof SftExample s) {
            return encode(e, s.prompt(), List.of(s.completion()));
        }
        throw new IllegalArgumentException("cannot tokenize a " + (e == null ? "null" : e.getClass().getName())
                + "; expected a PreferencePair, LabelledCompletion, ScoredCompletion, Ranking or SftExample");
    }

    private <T> Optional<Encoded<T>> encode(T example, Content prompt, List<Content> completions) {
        OptionalInt bos = content.tokenizer().bosId();
        List<PromptCompletion> rows = new ArrayList<>(completions.size());
        boolean dropped = false;
        for (Content c : completions) {
            PromptCompletion row = truncation.apply(content.encode(prompt, c), bos, stats);
            dropped |= row.completionIds().length == 0 || row.completionStart() == 0;
            rows.add(row);
        }
        stats.example(dropped);
        return dropped ? Optional.empty() : Optional.of(new Encoded<>(example, rows));
    }

    // ---------------------------------------------------------------- batches

    /** Rows right-padded as this collator pads. */
    public SequenceBatch pad(List<PromptCompletion> rows) {
        return SequenceBatch.rightPadded(rows, padId, padToMultipleOf);
    }

    /** Pairs: chosen rows first, then rejected rows ({@link PairBatch}). */
    public PairBatch pairs(List<Encoded<PreferencePair>> pairs) {
        List<PromptCompletion> rows = new ArrayList<>(2 * pairs.size());
        pairs.forEach(p -> rows.add(p.rows().get(0)));
        pairs.forEach(p -> rows.add(p.rows().get(1)));
        return new PairBatch(examples(pairs), pad(rows));
    }

    /**
     * KTO's batch: the labelled completions, then their mismatched pairs (TRL's rotation,
     * {@link KtoBatch#of}) tokenized and truncated like the rest.
     *
     * @throws IllegalArgumentException for fewer than 2 examples (see {@link KtoBatch#of})
     */
    public UnpairedBatch unpaired(List<Encoded<LabelledCompletion>> examples) {
        KtoBatch kto = KtoBatch.of(examples(examples));
        List<PromptCompletion> rows = rows(examples);
        OptionalInt bos = content.tokenizer().bosId();
        for (KtoBatch.Mismatched m : kto.mismatched()) {
            PromptCompletion row = truncation.apply(content.encode(m.prompt(), m.completion()), bos, stats);
            if (row.completionIds().length == 0) {
                // the prompt already fit with its own completion, so this only happens if a template renders it otherwise
                throw new IllegalStateException("the mismatched pair of example " + m.promptIndex() + " with the completion of"
                        + " example " + m.completionIndex() + " has no completion token left after truncation");
            }
            rows.add(row);
        }
        return new UnpairedBatch(kto.examples(), kto.mismatched(), pad(rows));
    }

    /** Labelled completions without KL pairs (BCO, APO-zero, or KTO with a precomputed reference point). */
    public UnpairedBatch unpairedWithoutKl(List<Encoded<LabelledCompletion>> examples) {
        return new UnpairedBatch(examples(examples), List.of(), pad(rows(examples)));
    }

    /** Rankings: each list's completions as consecutive rows ({@link RankingBatch}). */
    public RankingBatch rankings(List<Encoded<Ranking>> rankings) {
        return new RankingBatch(examples(rankings), pad(rows(rankings)));
    }

    /** Scored completions, one row each. */
    public ScoredBatch scored(List<Encoded<ScoredCompletion>> examples) {
        return new ScoredBatch(examples(examples), pad(rows(examples)));
    }

    /** SFT examples, one row each. */
    public SftBatch sft(List<Encoded<SftExample>> examples) {
        return new SftBatch(examples(examples), pad(rows(examples)));
    }

    private static <T> List<T> examples(List<Encoded<T>> encoded) {
        return encoded.stream().map(Encoded::example).toList();
    }

    private static <T> List<PromptCompletion> rows(List<Encoded<T>> encoded) {
        List<PromptCompletion> rows = new ArrayList<>();
        encoded.forEach(e -> rows.addAll(e.rows()));
        return rows;
    }
}
