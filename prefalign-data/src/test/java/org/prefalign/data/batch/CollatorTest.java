package org.prefalign.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.text;
import static org.prefalign.data.batch.Stories.BOS;
import static org.prefalign.data.batch.Stories.EOS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.prefalign.core.model.TokenBatch;
import org.prefalign.core.tokenizer.ChatTemplate;
import org.prefalign.core.tokenizer.EncodeOptions;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;
import org.prefalign.data.batch.Truncation.PromptSide;
import org.prefalign.data.io.JsonlFormat;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.Message;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;
import org.prefalign.data.source.OffPolicySource;

/**
 * Tokenized batches from the stories260K vocabulary, checked against ids read off its pieces by
 * hand ("▁The ▁s k y ▁ is" and so on), and against chat renderings written out by hand.
 */
class CollatorTest {

    private static final SentencePieceTokenizer TOK = Stories.tokenizer();

    // BOS ▁The ▁s k y ▁ is
    private static final int[] SKY = {BOS, 291, 262, 433, 422, 410, 293};
    // ▁ ▁b l u e . EOS  (the completion gets its own dummy-prefix space)
    private static final int[] BLUE = {410, 268, 421, 425, 411, 426, EOS};
    // ▁ ▁g re en . EOS
    private static final int[] GREEN = {410, 298, 276, 302, 426, EOS};
    // BOS ▁Once ▁upon ▁a ▁time
    private static final int[] ONCE = {BOS, 403, 407, 261, 378};
    // ▁ ▁there ▁was ▁a ▁c at EOS
    private static final int[] CAT = {410, 383, 286, 261, 280, 294, EOS};

    private static final Collator COLLATOR = Collator.of(ContentTokenizer.of(TOK, Optional.empty()));

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int[] padded(int[] ids, int length) {
        return Arrays.copyOf(ids, length); // pad id 0: stories260K has no pad token
    }

    @Test
    void textIsTokenizedPromptAndCompletionApartWithEos() {
        ContentTokenizer ct = COLLATOR.content();
        assertEquals(new PromptCompletion(SKY, BLUE), ct.encode(text("The sky is"), text(" blue.")));
        // a completion that already ends in EOS does not get a second one
        assertEquals(new PromptCompletion(SKY, BLUE), ct.encode(text("The sky is"), text(" blue.</s>")));
        assertArrayEquals(SKY, ct.promptIds(text("The sky is")));
    }

    @Test
    void aPairBatchHasChosenRowsThenRejectedRowsSharingThePrompt() {
        List<PreferencePair> pairs = List.of(new PreferencePair(text("The sky is"), text(" blue."), text(" green.")),
                new PreferencePair(text("Once upon a time"), text(" there was a cat"), text(" blue.")));
        PairBatch batch = COLLATOR.pairs(COLLATOR.encodeAll(pairs));
        assertEquals(2, batch.size());
        SequenceBatch s = batch.sequences();
        assertEquals(4, s.rows());
        assertEquals(14, s.length()); // 7 + 7, the longest row
        TokenBatch in = s.input();
        assertArrayEquals(concat(SKY, BLUE), in.tokens()[batch.chosenRow(0)]);
        assertArrayEquals(padded(concat(ONCE, CAT), 14), in.tokens()[batch.chosenRow(1)]);
        assertArrayEquals(padded(concat(SKY, GREEN), 14), in.tokens()[batch.rejectedRow(0)]);
        assertArrayEquals(padded(concat(ONCE, BLUE), 14), in.tokens()[batch.rejectedRow(1)]);
        assertEquals(2, batch.rejectedRow(0));

        // rejected row of pair 0: 13 real tokens, the last position is padding
        boolean[] attention = in.attentionMask()[2];
        for (int t = 0; t < 14; t++) {
            assertEquals(t < 13, attention[t], "attention at " + t);
        }
        // completion mask: the completion's token positions; targets: the next token where it is a completion token
        boolean[] completion = s.completionMask()[2];
        int[] targets = s.targets()[2];
        boolean[] targetMask = s.targetMask()[2];
        int[] row = concat(SKY, GREEN);
        for (int t = 0; t < 14; t++) {
            assertEquals(t >= 7 && t < 13, completion[t], "completion mask at " + t);
            int expected = t >= 6 && t < 12 ? row[t + 1] : -1;
            assertEquals(expected, targets[t], "target at " + t);
            assertEquals(expected >= 0, targetMask[t]);
        }
        assertArrayEquals(new int[] {7, 7, 6, 7}, s.completionLengths());
        assertEquals(7, s.promptLength(0));
        assertEquals(5, s.promptLength(1));
        assertEquals(4 * 14 - (14 + 12 + 13 + 12), s.paddingTokens());
        // the prompt is shared: chosen and rejected rows start the same
        for (int i = 0; i < 2; i++) {
            int p = s.promptLength(batch.chosenRow(i));
            assertEquals(p, s.promptLength(batch.rejectedRow(i)));
            assertArrayEquals(Arrays.copyOf(in.tokens()[batch.chosenRow(i)], p), Arrays.copyOf(in.tokens()[batch.rejectedRow(i)], p));
        }
        // the mask as an array for masked reductions
        assertEquals(6.0, s.targetMask(DataType.DOUBLE).getRow(2).sumNumber().doubleValue());
    }

    @Test
    void aPadIdAndARoundedLengthAreUsed() {
        Collator c = COLLATOR.withPadId(3).withPadToMultipleOf(8);
        PairBatch batch = c.pairs(c.encodeAll(List.of(new PreferencePair(text("The sky is"), text(" blue."), text(" green.")))));
        assertEquals(16, batch.sequences().length());
        int[] rejected = batch.sequences().input().tokens()[1];
        assertArrayEquals(new int[] {3, 3, 3}, Arrays.copyOfRange(rejected, 13, 16));
        assertEquals(-1, batch.sequences().targets()[1][15]);
        assertThrows(IllegalArgumentException.class, () -> COLLATOR.withPadId(512));
        assertThrows(IllegalArgumentException.class, () -> COLLATOR.withPadToMultipleOf(0));
    }

    private static final String ZEPHYR_LIKE = "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{{ eos_token }}\n"
            + "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private static int[] textIds(String s) {
        return TOK.encode(s, EncodeOptions.TEXT_ONLY);
    }

    @Test
    void chatContentIsRenderedByTheModelsTemplateAndTheTurnEndIsTheTemplates() {
        ContentTokenizer ct = ContentTokenizer.of(TOK, ChatTemplate.of(ZEPHYR_LIKE, "test template"));
        Content prompt = Content.chat(Message.system("Be kind."), Message.user("Hi"));
        Content answer = Content.chat(Message.assistant("Hello"));
        PromptCompletion pc = ct.encode(prompt, answer);
        // by hand: the prompt ends with the generation prompt, the completion is the rest; eos_token is "</s>"
        int[] expectedPrompt = concat(new int[] {BOS}, textIds("<|system|>\nBe kind.</s>\n<|user|>\nHi</s>\n<|assistant|>\n"));
        int[] expectedCompletion = textIds("Hello</s>\n");
        assertArrayEquals(expectedPrompt, pc.promptIds());
        assertArrayEquals(expectedCompletion, pc.completionIds());
        // the template's own </s>, then "\n" (which, after a special token, gets llama.cpp's space prefix)
        assertArrayEquals(new int[] {EOS, 410, 13}, Arrays.copyOfRange(expectedCompletion, expectedCompletion.length - 3,
                expectedCompletion.length));
        assertArrayEquals(expectedPrompt, ct.promptIds(prompt));
        // asked for, EOS follows the template's end of turn
        assertArrayEquals(concat(expectedCompletion, new int[] {EOS}), ct.withEosAfterChat(true).encode(prompt, answer).completionIds());
    }

    @Test
    void withoutATemplateChatIsRenderedAsChatMl() {
        ContentTokenizer ct = COLLATOR.content();
        assertEquals(ChatTemplate.CHATML, ct.chatTemplate().template());
        PromptCompletion pc = ct.encode(Content.chat(Message.user("Hi")), Content.chat(Message.assistant("Hello")));
        assertArrayEquals(concat(new int[] {BOS}, textIds("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")),
                pc.promptIds());
        assertArrayEquals(textIds("Hello<|im_end|>\n"), pc.completionIds());
        assertThrows(IllegalArgumentException.class, () -> ct.encode(text("Hi"), Content.chat(Message.assistant("x"))));
    }

    @Test
    void ktoBatchesTokenizeTheirMismatchedPairsToo() {
        List<LabelledCompletion> examples = List.of(new LabelledCompletion(text("The sky is"), text(" blue."), true),
                new LabelledCompletion(text("Once upon a time"), text(" there was a cat"), false),
                new LabelledCompletion(text("The sky is"), text(" green."), false));
        UnpairedBatch batch = COLLATOR.unpaired(COLLATOR.encodeAll(examples));
        assertTrue(batch.hasKl());
        assertArrayEquals(new boolean[] {true, false, false}, batch.desirable());
        int[][] tokens = batch.sequences().input().tokens();
        assertEquals(6, tokens.length);
        assertArrayEquals(concat(SKY, BLUE), Arrays.copyOf(tokens[0], 14));
        // TRL's rotation: prompt i with completion i-1 (mod n)
        assertArrayEquals(padded(concat(SKY, GREEN), 14), tokens[batch.klRow(0)]);
        assertArrayEquals(padded(concat(ONCE, BLUE), 14), tokens[batch.klRow(1)]);
        assertArrayEquals(concat(SKY, CAT), tokens[batch.klRow(2)]);
        assertEquals(2, batch.mismatched().get(0).completionIndex());

        UnpairedBatch plain = COLLATOR.unpairedWithoutKl(COLLATOR.encodeAll(examples));
        assertFalse(plain.hasKl());
        assertEquals(3, plain.sequences().rows());
        assertThrows(IllegalStateException.class, () -> plain.klRow(0));
        assertThrows(IllegalArgumentException.class, () -> COLLATOR.unpaired(COLLATOR.encodeAll(examples.subList(0, 1))));
    }

    @Test
    void rankingsAreConsecutiveRowsPaddedToTheLongestList() {
        Ranking three = Ranking.ofScores(text("The sky is"), List.of(text(" blue."), text(" green."), text(" there was a cat")),
                List.of(2.0, 1.0, 0.5));
        Ranking two = Ranking.ofRanks(text("Once upon a time"), List.of(text(" blue."), text(" there was a cat")), List.of(2, 1));
        RankingBatch batch = COLLATOR.rankings(COLLATOR.encodeAll(List.of(three, two)));
        assertEquals(5, batch.sequences().rows());
        assertEquals(3, batch.width());
        assertEquals(3, batch.row(1, 0));
        assertEquals(4, batch.row(1, 1));
        assertEquals(-1, batch.row(1, 2));
        assertArrayEquals(padded(concat(ONCE, CAT), 14), batch.sequences().input().tokens()[batch.row(1, 1)]);
        assertArrayEquals(new boolean[][] {{true, true, true}, {true, true, false}}, batch.mask());
        assertArrayEquals(new double[] {2.0, 1.0, 0.5}, batch.scores()[0]);
        assertArrayEquals(new double[] {-2.0, -1.0, 0.0}, batch.scores()[1]); // ranks read as −rank
    }

    @Test
    void scoredAndSftBatchesHaveOneRowPerExample() {
        ScoredBatch scored = COLLATOR.scored(COLLATOR.encodeAll(List.of(
                new ScoredCompletion(text("The sky is"), text(" blue."), 0.75),
                new ScoredCompletion(text("Once upon a time"), text(" there was a cat"), -1.0))));
        assertArrayEquals(new double[] {0.75, -1.0}, scored.rewards());
        assertArrayEquals(padded(concat(ONCE, CAT), 14), scored.sequences().input().tokens()[1]);

        // language modelling on a whole text: BOS is the prompt, every other token a target
        SftBatch sft = COLLATOR.sft(COLLATOR.encodeAll(List.of(SftExample.text("Once upon a time"),
                new SftExample(text("The sky is"), text(" blue.")))));
        int[] lm = concat(new int[] {BOS}, concat(Arrays.copyOfRange(ONCE, 1, 5), new int[] {EOS}));
        assertArrayEquals(padded(lm, 14), sft.sequences().input().tokens()[0]);
        assertEquals(1, sft.sequences().promptLength(0));
        assertArrayEquals(new int[] {403, 407, 261, 378, EOS, -1}, Arrays.copyOf(sft.sequences().targets()[0], 6));
        assertArrayEquals(concat(SKY, BLUE), sft.sequences().input().tokens()[1]);
    }

    @Test
    void truncationAppliesToEveryRowAndDroppedExamplesAreCounted() {
        Collator c = COLLATOR.withTruncation(Truncation.NONE.withMaxPromptLength(4, PromptSide.KEEP_END).withMaxLength(8));
        List<PreferencePair> pairs = List.of(new PreferencePair(text("The sky is"), text(" blue."), text(" green.")),
                new PreferencePair(text("Once upon a time"), text(" there was a cat"), text(" blue.")));
        PairBatch batch = c.pairs(c.encodeAll(pairs));
        int[][] tokens = batch.sequences().input().tokens();
        // prompt: BOS + last 3 tokens; completion: the first 8 − 4 tokens
        assertArrayEquals(new int[] {BOS, 422, 410, 293, 410, 268, 421, 425}, tokens[0]);
        assertArrayEquals(new int[] {BOS, 407, 261, 378, 410, 383, 286, 261}, tokens[1]);
        assertArrayEquals(new int[] {BOS, 422, 410, 293, 410, 298, 276, 302}, tokens[2]);
        TruncationStats s = c.truncationStats();
        assertEquals(4, s.sequences());
        assertEquals(4, s.promptsCut());
        assertEquals(3 + 3 + 1 + 1, s.promptTokensDropped());
        assertEquals(4, s.completionsCut());
        assertEquals(3 + 3 + 2 + 3, s.completionTokensDropped());

        // a prompt that alone fills max length leaves nothing to learn from: the example is dropped and counted
        Collator tight = COLLATOR.withTruncation(Truncation.NONE.withMaxLength(7));
        List<Encoded<PreferencePair>> kept = tight.encodeAll(pairs);
        assertEquals(1, kept.size());
        assertEquals(pairs.get(1), kept.get(0).example());
        assertEquals(2, tight.truncationStats().examples());
        assertEquals(1, tight.truncationStats().examplesDropped());
        assertTrue(tight.encode(pairs.get(0)).isEmpty());
        assertTrue(tight.truncationStats().toString().startsWith("truncation: 2 of 3 examples dropped"),
                tight.truncationStats().toString());
    }

    @Test
    void aStreamOfRecordsIsEncodedAsReadAndBucketedOneWindowAtATime(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("pairs.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"prompt\": \"").append(i == 3 ? "The sky is".repeat(3) : "The sky is")
                    .append("\", \"chosen\": \"").append(" blue.".repeat(1 + i % 4)).append("\", \"rejected\": \" green.\"}\n");
        }
        Files.writeString(file, lines);
        Collator c = COLLATOR.withTruncation(Truncation.NONE.withMaxLength(20));
        try (OffPolicySource<PreferencePair> source = OffPolicySource.builder(JsonlFormat.PREFERENCE).files(file).shuffle(4).build()) {
            Iterator<List<Encoded<PreferencePair>>> batches = LengthBuckets.of(3, 2, 8)
                    .batches(c.encodeEach(source), Encoded::length);
            int pairs = 0;
            while (batches.hasNext()) {
                PairBatch b = c.pairs(batches.next());
                pairs += b.size();
                assertTrue(b.sequences().length() <= 20);
            }
            assertEquals(9, pairs); // the record whose prompt alone has 21 tokens is dropped
        }
        assertEquals(10, c.truncationStats().examples());
        assertEquals(1, c.truncationStats().examplesDropped());
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> COLLATOR.encodeAll(List.of("not a record")));
        assertThrows(IllegalArgumentException.class, () -> SequenceBatch.rightPadded(List.of(), 0, 1));
        assertEquals("row 0 has an empty prompt: its first completion token would have no log-prob (start prompts with BOS)",
                assertThrows(IllegalArgumentException.class, () -> SequenceBatch.rightPadded(
                        List.of(new PromptCompletion(new int[0], new int[] {5})), 0, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SequenceBatch.rightPadded(
                List.of(new PromptCompletion(new int[] {1}, new int[0])), 0, 1));
    }
}
