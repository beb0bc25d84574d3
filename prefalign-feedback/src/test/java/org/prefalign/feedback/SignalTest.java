package org.prefalign.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

class SignalTest {

    private final Query pair = Query.ofText("p", null, "a", "b");

    @Test
    void rewardsBecomeScoredCompletions() {
        List<ScoredCompletion> ex = new Signal.Rewards(pair, new double[] {0.5, -1}).examples();
        assertEquals(List.of(new ScoredCompletion(Content.text("p"), Content.text("a"), 0.5),
                new ScoredCompletion(Content.text("p"), Content.text("b"), -1)), ex);
        assertThrows(IllegalArgumentException.class, () -> new Signal.Rewards(pair, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Signal.Rewards(pair, new double[] {1, Double.NaN}));
    }

    @Test
    void preferencePutsTheWinnerFirstAndFlagsTies() {
        PreferencePair b = new Signal.Preference(pair, Choice.B).pair();
        assertEquals(Content.text("b"), b.chosen());
        assertEquals(Content.text("a"), b.rejected());
        assertFalse(b.tie());
        PreferencePair a = new Signal.Preference(pair, Choice.A).pair();
        assertEquals(Content.text("a"), a.chosen());
        assertTrue(new Signal.Preference(pair, Choice.TIE).pair().tie());
        assertThrows(IllegalArgumentException.class,
                () -> new Signal.Preference(Query.ofText("p", null, "a", "b", "c"), Choice.A));
        assertEquals(Choice.B, Choice.A.swapped());
        assertEquals(Choice.TIE, Choice.TIE.swapped());
    }

    @Test
    void ranksAndLabelsBecomeRankingsAndLabelledCompletions() {
        Query three = Query.ofText("p", null, "a", "b", "c");
        Ranking r = new Signal.Ranks(three, new int[] {2, 1, 2}).examples().get(0);
        assertEquals(Ranking.Scale.RANK, r.scale());
        assertEquals(List.of(2.0, 1.0, 2.0), r.values());
        assertThrows(IllegalArgumentException.class, () -> new Signal.Ranks(three, new int[] {0, 1, 2}));
        List<LabelledCompletion> l = new Signal.Labels(pair, new boolean[] {true, false}).examples();
        assertTrue(l.get(0).desirable());
        assertFalse(l.get(1).desirable());
    }

    @Test
    void queriesKeepPromptAndCompletionsOfOneKind() {
        assertThrows(IllegalArgumentException.class,
                () -> new Query(Content.text("p"), List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new Query(Content.text("p"),
                List.of(Content.chat(org.prefalign.data.record.Message.assistant("x"))), null));
    }
}
