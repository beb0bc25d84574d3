package org.prefalign.data.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RecordsTest {

    private static final Content P = Content.text("p");
    private static final Content A = Content.text(" a");
    private static final Content B = Content.text(" b");
    private static final Content CHAT = Content.chat(Message.assistant("a"));

    private static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    @Test
    void messageNeedsARoleAndContent() {
        assertEquals("message role must not be blank", message(IllegalArgumentException.class,
                () -> new Message(" ", "x")));
        assertEquals("message role must not be null", message(NullPointerException.class,
                () -> new Message(null, "x")));
        assertTrue(message(NullPointerException.class, () -> new Message("user", null)).contains("content"));
        assertEquals(new Message("user", "hi"), Message.user("hi"));
    }

    @Test
    void contentTextAndChat() {
        Content chat = Content.chat(Message.user("What?"), Message.assistant("This."));
        assertEquals("What?\n\nThis.", chat.asText());
        assertEquals(10, chat.characters());
        assertEquals("chat", chat.kind());
        assertEquals("p a", P.append(A).asText());
        assertEquals(Content.chat(Message.user("What?"), Message.assistant("This."), Message.assistant("a")),
                chat.append(CHAT));
        assertEquals("cannot append chat messages to plain text",
                message(IllegalArgumentException.class, () -> P.append(CHAT)));
        List<Message> withNull = new ArrayList<>();
        withNull.add(Message.user("x"));
        withNull.add(null);
        assertEquals("chat message 1 is null", message(IllegalArgumentException.class, () -> Content.chat(withNull)));
        // Chat copies its list: later changes to the caller's list do not leak in.
        List<Message> mutable = new ArrayList<>(List.of(Message.user("x")));
        Content.Chat c = Content.chat(mutable);
        mutable.add(Message.user("y"));
        assertEquals(1, c.messages().size());
    }

    @Test
    void preferencePairValidatesItsFields() {
        assertEquals("chosen must not be null", message(NullPointerException.class,
                () -> new PreferencePair(P, null, B)));
        assertEquals("prompt is text but rejected is chat; prompt and completions must both be plain text or both "
                + "chat messages", message(IllegalArgumentException.class, () -> new PreferencePair(P, A, CHAT)));
        assertEquals("margin must be finite and >= 0 (chosen is the preferred one), got -0.5",
                message(IllegalArgumentException.class, () -> PreferencePair.withMargin(P, A, B, -0.5)));
        assertEquals("margin must be finite and >= 0 (chosen is the preferred one), got NaN",
                message(IllegalArgumentException.class, () -> PreferencePair.withMargin(P, A, B, Double.NaN)));
        assertEquals("a tie has margin 0, got 1.0", message(IllegalArgumentException.class,
                () -> new PreferencePair(P, A, B, OptionalDouble.of(1), true)));
        PreferencePair tie = PreferencePair.tie(P, A, B);
        assertTrue(tie.tie());
        assertFalse(new PreferencePair(P, A, B).tie());
        assertEquals(OptionalDouble.of(0), new PreferencePair(P, A, B, OptionalDouble.of(0), true).margin());
    }

    @Test
    void unpairedAndScoredValidate() {
        assertEquals("prompt is text but completion is chat; prompt and completions must both be plain text or both "
                + "chat messages", message(IllegalArgumentException.class, () -> new LabelledCompletion(P, CHAT, true)));
        assertEquals("reward must be finite, got Infinity", message(IllegalArgumentException.class,
                () -> new ScoredCompletion(P, A, Double.POSITIVE_INFINITY)));
        assertEquals("completion must not be null", message(NullPointerException.class,
                () -> new ScoredCompletion(P, null, 1)));
    }

    @Test
    void rankingValidatesSizesAndRanks() {
        assertEquals("a ranking needs at least 2 completions, got 1", message(IllegalArgumentException.class,
                () -> Ranking.ofScores(P, List.of(A), List.of(1.0))));
        assertEquals("a ranking needs one score per completion: 2 completions, 3 values",
                message(IllegalArgumentException.class, () -> Ranking.ofScores(P, List.of(A, B), List.of(1.0, 2.0, 3.0))));
        assertEquals("values[1] is a rank and must be an integer >= 1, got 0.0",
                message(IllegalArgumentException.class, () -> Ranking.ofRanks(P, List.of(A, B), List.of(1, 0))));
        assertEquals("values[0] is a rank and must be an integer >= 1, got 1.5", message(IllegalArgumentException.class,
                () -> new Ranking(P, List.of(A, B), List.of(1.5, 2.0), Ranking.Scale.RANK)));
        assertEquals("values[1] must be finite, got NaN", message(IllegalArgumentException.class,
                () -> Ranking.ofScores(P, List.of(A, B), List.of(1.0, Double.NaN))));
        assertEquals("prompt is text but completions[1] is chat; prompt and completions must both be plain text or "
                + "both chat messages", message(IllegalArgumentException.class,
                () -> Ranking.ofScores(P, List.of(A, CHAT), List.of(1.0, 2.0))));
    }

    @Test
    void rankingOrderIsBestFirstWithTiesInFileOrder() {
        Content c = Content.text(" c");
        Content d = Content.text(" d");
        Ranking byScore = Ranking.ofScores(P, List.of(A, B, c, d), List.of(2.0, 5.0, 2.0, -1.0));
        assertArrayEquals(new int[] {1, 0, 2, 3}, byScore.order());
        assertEquals(-1.0, byScore.score(3));
        Ranking byRank = Ranking.ofRanks(P, List.of(A, B, c, d), List.of(3, 1, 2, 2));
        assertArrayEquals(new int[] {1, 2, 3, 0}, byRank.order());
        assertEquals(-3.0, byRank.score(0));
    }
}
