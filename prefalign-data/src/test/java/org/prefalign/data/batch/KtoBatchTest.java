package org.prefalign.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.prefalign.data.Fixtures.text;
import static org.prefalign.data.Fixtures.user;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.LabelledCompletion;

class KtoBatchTest {

    private static LabelledCompletion ex(int i, boolean desirable) {
        return new LabelledCompletion(text("x" + i), text("y" + i), desirable);
    }

    @Test
    void completionsAreRotatedByOneAsTrlDoes() {
        // TRL: (x1, y1), ..., (xn, yn) -> (x1, yn), (x2, y1), ..., (xn, y(n-1)).
        KtoBatch b = KtoBatch.of(List.of(ex(1, true), ex(2, false), ex(3, true), ex(4, false)));
        assertEquals(List.of(
                new KtoBatch.Mismatched(text("x1"), text("y4"), 0, 3),
                new KtoBatch.Mismatched(text("x2"), text("y1"), 1, 0),
                new KtoBatch.Mismatched(text("x3"), text("y2"), 2, 1),
                new KtoBatch.Mismatched(text("x4"), text("y3"), 3, 2)), b.mismatched());
        assertEquals(4, b.size());
        KtoBatch two = KtoBatch.of(List.of(ex(1, true), ex(2, true)));
        assertEquals(List.of(new KtoBatch.Mismatched(text("x1"), text("y2"), 0, 1),
                new KtoBatch.Mismatched(text("x2"), text("y1"), 1, 0)), two.mismatched());
    }

    @Test
    void batchesOfOneOrOfMixedKindsAreRejected() {
        assertEquals("a KTO batch needs at least 2 examples to estimate the KL term (with 1 it pairs a prompt with its "
                + "own completion), got 1", assertThrows(IllegalArgumentException.class,
                () -> KtoBatch.of(List.of(ex(1, true)))).getMessage());
        LabelledCompletion chat = new LabelledCompletion(user("x"), user("y"), true);
        assertEquals("a KTO batch mixes plain text and chat examples: example 0 is text, example 1 is chat",
                assertThrows(IllegalArgumentException.class, () -> KtoBatch.of(List.of(ex(1, true), chat))).getMessage());
        assertEquals("a KTO batch needs one mismatched pair per example: 2 examples, 0 pairs",
                assertThrows(IllegalArgumentException.class,
                        () -> new KtoBatch(List.of(ex(1, true), ex(2, true)), List.of())).getMessage());
    }
}
