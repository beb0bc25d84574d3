package org.prefalign.feedback.human;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.feedback.Choice;
import org.prefalign.feedback.Feedback;
import org.prefalign.feedback.Feedbacks;
import org.prefalign.feedback.Query;
import org.prefalign.feedback.Signal;

class AnnotationsTest {

    @TempDir
    Path dir;

    private static String line(String id, String annotator, String choice) {
        return "{\"id\": \"" + id + "\", \"prompt\": \"P" + id + "\", \"a\": \"A" + id + "\", \"b\": \"B" + id
                + "\", \"annotator\": \"" + annotator + "\", \"choice\": \"" + choice + "\"}";
    }

    private static final List<String> FILE = List.of(
            line("1", "ann1", "a"), line("1", "ann2", "a"), line("1", "ann3", "b"),   // A wins 2–1
            line("2", "ann1", "b"), line("2", "ann2", "B"), line("2", "ann3", "tie"), // B wins
            line("3", "ann1", "tie"), line("3", "ann2", "tie"), line("3", "ann3", "a"), // tie wins
            line("4", "ann1", "a"), line("4", "ann2", "b"),                           // no majority
            "",
            line("5", "ann1", "a"), line("5", "ann2", "b"), line("5", "ann3", "tie")); // no majority

    private String error(String... lines) {
        return assertThrows(IllegalArgumentException.class, () -> Annotations.parse("ann.jsonl", List.of(lines))).getMessage();
    }

    @Test
    void readsItemsAndVotes() throws Exception {
        Path file = dir.resolve("ann.jsonl");
        Files.write(file, FILE);
        Annotations a = Annotations.read(file);
        assertEquals(14, a.annotations().size());
        assertEquals(13, a.annotations().get(11).line(), "blank lines still count");
        assertEquals(5, a.items().size());
        assertEquals(List.of("ann1", "ann2", "ann3"), a.annotators());
        assertEquals(Map.of("ann1", Choice.B, "ann2", Choice.B, "ann3", Choice.TIE), a.items().get(1).votes());
        RatingTable t = a.table();
        assertEquals(5, t.units());
        assertEquals(3, t.coders());
        assertEquals(null, t.value(3, 2), "ann3 did not label item 4");
    }

    @Test
    void itemsWithoutIdAreTheirPromptAndAnswersAndChatIsRead() {
        Annotations a = Annotations.parse("x", List.of(
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"a\": [{\"role\": \"assistant\", \"content\": \"yo\"}],"
                        + " \"b\": [{\"role\": \"assistant\", \"content\": \"hello\"}], \"annotator\": 7, \"choice\": \"b\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"a\": [{\"role\": \"assistant\", \"content\": \"yo\"}],"
                        + " \"b\": [{\"role\": \"assistant\", \"content\": \"hello\"}], \"annotator\": 8, \"choice\": \"B\"}"));
        assertEquals(1, a.items().size());
        assertTrue(a.items().get(0).prompt().isChat());
        assertEquals(List.of("7", "8"), a.annotators());
    }

    @Test
    void errorsNameFileLineAndField() {
        assertEquals("ann.jsonl:2: field 'choice' must be \"a\", \"b\" or \"tie\", got \"c\"",
                error(line("1", "x", "a"), line("1", "y", "c")));
        assertTrue(error(line("1", "x", "a"), "{\"id\": 1, \"prompt\": \"P\"").startsWith("ann.jsonl:2: not valid JSON"));
        assertEquals("ann.jsonl:1: field 'annotator' is required",
                error("{\"id\": \"1\", \"prompt\": \"p\", \"a\": \"a\", \"b\": \"b\", \"choice\": \"a\"}"));
        assertTrue(error("{\"id\": \"1\", \"prompt\": 3, \"a\": \"a\", \"b\": \"b\", \"annotator\": \"x\", \"choice\": \"a\"}")
                .startsWith("ann.jsonl:1: field 'prompt' must be a string or a non-empty list of chat messages, got 3"));
        assertTrue(error("{\"id\": \"1\", \"prompt\": [{\"role\": \"user\"}], \"a\": \"a\", \"b\": \"b\", \"annotator\": \"x\", \"choice\": \"a\"}")
                .startsWith("ann.jsonl:1: field 'prompt[0]' must be a message"));
        assertTrue(error("{\"id\": \"1\", \"prompt\": [{\"role\": \"user\", \"content\": \"p\"}], \"a\": \"a\", \"b\": \"b\", \"annotator\": \"x\", \"choice\": \"a\"}")
                .contains("must all be text or all chat messages"));
        assertEquals("ann.jsonl:3: field 'annotator': 'x' already labelled item '1' on line 1",
                error(line("1", "x", "a"), line("1", "y", "a"), line("1", "x", "b")));
        String differs = error(line("1", "x", "a"), line("1", "y", "a").replace("\"A1\"", "\"other\""));
        assertTrue(differs.startsWith("ann.jsonl:2: field 'a' of item '1' differs from line 1"), differs);
        assertEquals("ann.jsonl: no annotations", error("", " "));
    }

    @Test
    void majorityVoteCountsEveryOutcome() {
        Annotations a = Annotations.parse("ann.jsonl", FILE);
        MajorityVote.Result r = new MajorityVote(false).aggregate(a);
        assertEquals(2, r.preferred());
        assertEquals(1, r.ties());
        assertEquals(List.of("4", "5"), r.noMajority());
        assertEquals(3, r.pairs().size());
        assertEquals(new PreferencePair(Content.text("P1"), Content.text("A1"), Content.text("B1")), r.pairs().get(0));
        assertEquals(new PreferencePair(Content.text("P2"), Content.text("B2"), Content.text("A2")), r.pairs().get(1));
        assertTrue(r.pairs().get(2).tie());

        MajorityVote plurality = new MajorityVote(false);
        MajorityVote strict = new MajorityVote(true);
        List<Choice> twoOfFive = List.of(Choice.A, Choice.A, Choice.B, Choice.TIE, Choice.TIE);
        assertEquals(Optional.empty(), plurality.winner(twoOfFive), "A and TIE both have 2");
        List<Choice> plural = List.of(Choice.A, Choice.A, Choice.B, Choice.TIE);
        assertEquals(Optional.of(Choice.A), plurality.winner(plural));
        assertEquals(Optional.empty(), strict.winner(plural), "2 of 4 is not more than half");
        assertEquals(Optional.of(Choice.A), strict.winner(List.of(Choice.A, Choice.A, Choice.B)));
        assertEquals(Optional.empty(), strict.winner(List.of()));
        assertFalse(new MajorityVote(true).aggregate(a).pairs().isEmpty());
    }

    @Test
    void humanLabelsAreFeedbackFromJson() throws Exception {
        Path file = dir.resolve("labels.jsonl");
        Files.write(file, FILE);
        String json = "{\"type\": \"human_labels\", \"path\": \"" + file.toString().replace("\\", "\\\\") + "\"}";
        try (Feedback f = Feedbacks.fromJson(json)) {
            assertEquals(Choice.A, ((Signal.Preference) f.evaluate(Query.ofText("P1", null, "A1", "B1"))).choice());
            assertEquals(Choice.B, ((Signal.Preference) f.evaluate(Query.ofText("P1", null, "B1", "A1"))).choice(),
                    "the same pair in the other order");
            assertEquals(Choice.TIE, ((Signal.Preference) f.evaluate(Query.ofText("P4", null, "A4", "B4"))).choice(),
                    "no majority reads as a tie");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.evaluate(Query.ofText("P1", null, "A1", "C1")));
            assertTrue(e.getMessage().contains("no annotation in " + file), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Feedbacks.fromJson("{\"type\": \"human_labels\"}"))
                .getMessage().contains("'path' must be a non-empty string (required)"));
        Files.write(file, List.of(line("1", "x", "a"), line("1", "y", "maybe")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Feedbacks.fromJson(json))
                .getMessage().startsWith(file + ":2: field 'choice'"));
    }
}
