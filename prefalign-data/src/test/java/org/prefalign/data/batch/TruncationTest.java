package org.prefalign.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.prefalign.core.tokenizer.PromptCompletion;
import org.prefalign.data.batch.Truncation.PromptSide;

/** Each truncation rule on hand-made ids: what is kept, what is dropped, and the counts. */
class TruncationTest {

    private static final OptionalInt BOS = OptionalInt.of(1);
    private static final PromptCompletion SEQ = new PromptCompletion(new int[] {1, 10, 11, 12, 13}, new int[] {20, 21, 22, 2});

    @Test
    void nothingIsCutWithoutLimits() {
        TruncationStats s = new TruncationStats();
        assertEquals(SEQ, Truncation.NONE.apply(SEQ, BOS, s));
        assertEquals(1, s.sequences());
        assertEquals(0, s.promptsCut() + s.promptTokensDropped() + s.completionsCut() + s.completionTokensDropped());
    }

    @Test
    void keepingThePromptsEndKeepsBosFirst() {
        TruncationStats s = new TruncationStats();
        Truncation t = Truncation.NONE.withMaxPromptLength(3, PromptSide.KEEP_END);
        PromptCompletion cut = t.apply(SEQ, BOS, s);
        assertArrayEquals(new int[] {1, 12, 13}, cut.promptIds());
        assertArrayEquals(new int[] {20, 21, 22, 2}, cut.completionIds());
        assertEquals(1, s.promptsCut());
        assertEquals(2, s.promptTokensDropped());
        // a prompt that does not start with BOS (or a vocabulary without one) keeps just its end
        assertArrayEquals(new int[] {11, 12, 13}, t.apply(SEQ, OptionalInt.empty(), s).promptIds());
        assertArrayEquals(new int[] {1}, Truncation.NONE.withMaxPromptLength(1, PromptSide.KEEP_END)
                .apply(SEQ, BOS, s).promptIds());
        assertEquals(3, s.promptsCut());
        assertEquals(2 + 2 + 4, s.promptTokensDropped());
    }

    @Test
    void keepingThePromptsStart() {
        TruncationStats s = new TruncationStats();
        PromptCompletion cut = Truncation.NONE.withMaxPromptLength(2, PromptSide.KEEP_START).apply(SEQ, BOS, s);
        assertArrayEquals(new int[] {1, 10}, cut.promptIds());
        assertEquals(3, s.promptTokensDropped());
    }

    @Test
    void aLongCompletionKeepsItsStartAndLosesEos() {
        TruncationStats s = new TruncationStats();
        PromptCompletion cut = Truncation.NONE.withMaxCompletionLength(2).apply(SEQ, BOS, s);
        assertArrayEquals(new int[] {1, 10, 11, 12, 13}, cut.promptIds());
        assertArrayEquals(new int[] {20, 21}, cut.completionIds());
        assertEquals(1, s.completionsCut());
        assertEquals(2, s.completionTokensDropped());
        assertEquals(0, s.promptsCut());
    }

    @Test
    void theTotalLimitCutsTheCompletionAfterThePromptRule() {
        TruncationStats s = new TruncationStats();
        // prompt 5 -> 4 (keep end), then 4 + 4 > 6: the completion keeps 2
        Truncation t = Truncation.NONE.withMaxPromptLength(4, PromptSide.KEEP_END).withMaxLength(6);
        PromptCompletion cut = t.apply(SEQ, BOS, s);
        assertArrayEquals(new int[] {1, 11, 12, 13}, cut.promptIds());
        assertArrayEquals(new int[] {20, 21}, cut.completionIds());
        assertEquals(1, s.promptTokensDropped());
        assertEquals(2, s.completionTokensDropped());
        // the stricter of the completion rules wins
        assertArrayEquals(new int[] {20}, t.withMaxCompletionLength(1).apply(SEQ, BOS, s).completionIds());
        // a sequence that fits exactly is untouched
        assertEquals(SEQ, Truncation.NONE.withMaxLength(9).apply(SEQ, BOS, s));
    }

    @Test
    void aPromptFillingTheMaximumLeavesNoCompletion() {
        TruncationStats s = new TruncationStats();
        PromptCompletion cut = Truncation.NONE.withMaxLength(5).apply(SEQ, BOS, s);
        assertArrayEquals(new int[] {1, 10, 11, 12, 13}, cut.promptIds());
        assertEquals(0, cut.completionIds().length);
        assertEquals(4, s.completionTokensDropped());
        cut = Truncation.NONE.withMaxLength(3).apply(SEQ, BOS, s);
        assertEquals(0, cut.completionIds().length);
    }

    @Test
    void limitsAreValidated() {
        assertEquals("maxPromptLength must be >= 1 (or UNLIMITED), got 0", assertThrows(IllegalArgumentException.class,
                () -> Truncation.NONE.withMaxPromptLength(0, PromptSide.KEEP_END)).getMessage());
        assertEquals("maxCompletionLength must be >= 1 (or UNLIMITED), got -3", assertThrows(IllegalArgumentException.class,
                () -> Truncation.NONE.withMaxCompletionLength(-3)).getMessage());
        assertEquals("maxLength must be >= 2 (a prompt token and a completion token), got 1",
                assertThrows(IllegalArgumentException.class, () -> Truncation.NONE.withMaxLength(1)).getMessage());
        assertThrows(NullPointerException.class, () -> Truncation.NONE.withMaxPromptLength(4, null));
    }
}
