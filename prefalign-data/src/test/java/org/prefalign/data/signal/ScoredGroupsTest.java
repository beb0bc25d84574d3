package org.prefalign.data.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prefalign.data.Fixtures.file;
import static org.prefalign.data.Fixtures.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prefalign.data.io.JsonlFormat;
import org.prefalign.data.io.JsonlReader;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.Ranking;
import org.prefalign.data.record.ScoredCompletion;

class ScoredGroupsTest {

    private static ScoredCompletion s(String prompt, String completion, double reward) {
        return new ScoredCompletion(text(prompt), text(completion), reward);
    }

    private static final List<ScoredCompletion> INPUT = List.of(
            s("p1", "a", 1), s("p1", "b", 2), s("p2", "c", 0), s("p1", "d", 5), s("p3", "e", 1), s("p3", "f", -1));

    private static List<Ranking> all(ScoredGroups g) {
        List<Ranking> out = new ArrayList<>();
        g.forEachRemaining(out::add);
        return out;
    }

    @Test
    void consecutiveRunsFormGroupsAndSingletonsAreCounted() {
        ScoredGroups g = ScoredGroups.consecutive(INPUT.iterator());
        assertEquals(List.of(
                Ranking.ofScores(text("p1"), List.of(text("a"), text("b")), List.of(1.0, 2.0)),
                Ranking.ofScores(text("p3"), List.of(text("e"), text("f")), List.of(1.0, -1.0))), all(g));
        assertEquals(2, g.singletons()); // p2, and p1 met again after p2
    }

    @Test
    void byPromptGroupsAcrossTheInputInFirstAppearanceOrder() {
        ScoredGroups g = ScoredGroups.byPrompt(INPUT.iterator());
        assertEquals(List.of(
                Ranking.ofScores(text("p1"), List.of(text("a"), text("b"), text("d")), List.of(1.0, 2.0, 5.0)),
                Ranking.ofScores(text("p3"), List.of(text("e"), text("f")), List.of(1.0, -1.0))), all(g));
        assertEquals(1, g.singletons());
    }

    @Test
    void scoredFileToPairs() throws IOException {
        try (JsonlReader<ScoredCompletion> r = JsonlReader.open(file("scored.jsonl"), JsonlFormat.SCORED)) {
            ScoredGroups groups = ScoredGroups.consecutive(r);
            List<PreferencePair> pairs = new ArrayList<>();
            RankingToPairs.of(RankingToPairs.Selection.BEST_VS_WORST).pairs(groups).forEachRemaining(pairs::add);
            assertEquals(List.of(new PreferencePair(text("2 + 2 ="), text(" 4"), text(" 5"))), pairs);
            assertEquals(1, groups.singletons()); // the chat prompt has one completion
        }
    }
}
