package org.prefalign.data.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.prefalign.data.Fixtures.text;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prefalign.data.record.LabelledCompletion;
import org.prefalign.data.record.PreferencePair;

class UnpairingTest {

    private static PreferencePair pair(int i) {
        return new PreferencePair(text("p" + i), text("c" + i), text("r" + i));
    }

    private static LabelledCompletion good(int i) {
        return new LabelledCompletion(text("p" + i), text("c" + i), true);
    }

    private static LabelledCompletion bad(int i) {
        return new LabelledCompletion(text("p" + i), text("r" + i), false);
    }

    private static List<LabelledCompletion> all(Unpairing u) {
        List<LabelledCompletion> out = new ArrayList<>();
        u.forEachRemaining(out::add);
        return out;
    }

    private static final PreferencePair TIE = PreferencePair.tie(text("t"), text("x"), text("y"));

    @Test
    void blocksGiveTheirChosenThenTheirRejected() {
        List<PreferencePair> in = List.of(pair(1), TIE, pair(2), pair(3));
        Unpairing u = new Unpairing(in.iterator(), 2);
        assertEquals(List.of(good(1), good(2), bad(1), bad(2), good(3), bad(3)), all(u));
        assertEquals(1, u.tiesSkipped());
        assertEquals(List.of(good(1), good(2), good(3), bad(1), bad(2), bad(3)),
                all(new Unpairing(in.iterator(), Unpairing.TRL_BLOCK)));
        assertEquals(List.of(good(1), bad(1), good(2), bad(2), good(3), bad(3)), all(new Unpairing(in.iterator(), 1)));
    }

    @Test
    void aBlockOfOnlyTiesDoesNotEndTheOutput() {
        Unpairing u = new Unpairing(List.of(TIE, TIE, pair(1)).iterator(), 1);
        assertEquals(List.of(good(1), bad(1)), all(u));
        assertEquals(2, u.tiesSkipped());
        assertEquals("block must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new Unpairing(List.<PreferencePair>of().iterator(), 0)).getMessage());
    }
}
