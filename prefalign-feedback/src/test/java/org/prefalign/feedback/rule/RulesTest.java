package org.prefalign.feedback.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RulesTest {

    private static double score(Rule rule, String text) {
        return rule.score(Completion.of(text));
    }

    @Test
    void regexFindsOrMatchesWhole() {
        assertEquals(1, score(new RegexMatch(Pattern.compile("\\d+"), false), "abc 12 def"));
        assertEquals(0, score(new RegexMatch(Pattern.compile("\\d+"), true), "abc 12 def"));
        assertEquals(1, score(new RegexMatch(Pattern.compile("\\d+"), true), "12"));
    }

    @Test
    void requiredWordsCountWholeWordsAndCase() {
        List<String> words = List.of("apple", "C++");
        assertEquals(0.5, score(new RequiredWords(words, false, true), "I like apples and c++."));
        assertEquals(1.0, score(new RequiredWords(words, false, false), "I like apples and c++."));
        assertEquals(0.0, score(new RequiredWords(words, true, true), "I like Apple and c++."));
        assertEquals(1.0, score(new RequiredWords(words, true, true), "apple, C++!"));
        assertEquals(1.0, score(new RequiredWords(List.of("Straße"), false, true), "die STRASSE und die straße"));
    }

    @Test
    void forbiddenWordsScoreTheFractionAvoided() {
        List<String> words = List.of("hell", "damn");
        assertEquals(1.0, score(new ForbiddenWords(words, false, true), "Hello there"));
        assertEquals(0.5, score(new ForbiddenWords(words, false, true), "Go to HELL"));
        assertEquals(0.0, score(new ForbiddenWords(words, false, false), "Hello, damnation"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ForbiddenWords(List.of("ok", " "), false, true));
        assertTrue(e.getMessage().contains("'words[1]'"), e.getMessage());
    }

    @Test
    void tagFormatAcceptsOnlyTheBlocksInOrder() {
        TagFormat r1 = new TagFormat();
        assertEquals(1, score(r1, "<think>\nlet me see\n2+2\n</think>\n<answer>\n4\n</answer>"));
        assertEquals(1, score(r1, "  <think></think><answer>4</answer>\n"));
        assertEquals(0, score(r1, "<answer>4</answer><think>x</think>"));
        assertEquals(0, score(r1, "<think>x</think>"));
        assertEquals(0, score(r1, "<think>x</think><answer>4</answer> trailing"));
        assertEquals(0, score(r1, "<think>x</think><answer>4</answer><answer>5</answer>"));
        assertEquals(0, score(r1, "<think><think>x</think></think><answer>4</answer>"));
        assertEquals(1, score(new TagFormat(List.of("reasoning", "final-answer")),
                "<reasoning>r</reasoning> <final-answer>a</final-answer>"));
        assertThrows(IllegalArgumentException.class, () -> new TagFormat(List.of("a b")));
    }

    @Test
    void lengthPenaltyIsLinearBeyondTheThreshold() {
        LengthPenalty chars = new LengthPenalty(0.5, 3, LengthUnit.CHARACTERS);
        assertEquals(-1.5, score(chars, "abcdef"));
        assertEquals(0.0, score(chars, "ab"));
        assertEquals(-0.5, score(chars, "ab\uD83D\uDE00c")); // the emoji is one character
        assertEquals(-2.0, score(new LengthPenalty(1, 1, LengthUnit.WORDS), "  one two\nthree "));
    }

    @Test
    void overlongPenaltyFollowsDapo() {
        // L_max = 10, L_cache = 4: free up to 6, then (6 − |y|) / 4, then −1 beyond 10.
        OverlongPenalty dapo = new OverlongPenalty(10, 4, 1, LengthUnit.CHARACTERS);
        double[] expected = {0, 0, -0.25, -0.5, -0.75, -1, -1, -1};
        for (int len = 5; len <= 12; len++) {
            double hand = len <= 6 ? 0 : len <= 10 ? (6.0 - len) / 4 : -1;
            assertEquals(expected[len - 5], hand);
            assertEquals(expected[len - 5], score(dapo, "x".repeat(len)), "length " + len);
        }
        assertEquals(-0.125, score(new OverlongPenalty(10, 4, 0.5, LengthUnit.CHARACTERS), "x".repeat(7)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OverlongPenalty(10, 11, 1, LengthUnit.CHARACTERS));
        assertTrue(e.getMessage().contains("'cache_length' must be in [1, max_length = 10], got 11"), e.getMessage());
    }

    @Test
    void jsonValidityIsStrict() {
        JsonValidity json = new JsonValidity(true, false);
        assertEquals(1, score(json, " {\"a\": [1, 2]} \n"));
        assertEquals(1, score(json, "42"));
        assertEquals(0, score(json, "{\"a\": 1} trailing"));
        assertEquals(0, score(json, "{\"a\": 1, \"a\": 2}"));
        assertEquals(0, score(json, "{'a': 1}"));
        assertEquals(0, score(json, "{\"a\": 1"));
        assertEquals(0, score(json, ""));
        assertEquals(1, score(json, "```json\n{\"a\": 1}\n```"));
        assertEquals(0, score(new JsonValidity(false, false), "```json\n{\"a\": 1}\n```"));
        assertEquals(0, score(new JsonValidity(true, true), "[1, 2]"));
        assertEquals(1, score(new JsonValidity(true, true), "{}"));
    }

    @Test
    void rulesBuildFromJsonForUseInCode() {
        Rule r = Rules.fromJson("{\"type\": \"weighted\", \"rules\": [{\"type\": \"json_valid\", \"weight\": 2}]}");
        assertEquals(2.0, score(r, "{}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rules.fromJson("{\"type\": \"json_valid\", \"strict\": true}"));
        assertEquals("rule 'json_valid': unknown parameter [strict]; it accepts [code_fence, require_object, type]",
                e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.fromJson("{\"type\": \"judge_pairwise\"}"))
                .getMessage().startsWith("rule: unknown rule type 'judge_pairwise'; rule types are ["));
    }

    @Test
    void weightedSumAddsWeightedRewards() {
        WeightedSum sum = new WeightedSum(List.of(
                new WeightedSum.Term(1.0, new MathAnswerMatch()),
                new WeightedSum.Term(0.5, new TagFormat()),
                new WeightedSum.Term(2.0, new LengthPenalty(0.01, 0, LengthUnit.CHARACTERS))));
        String good = "<think>2+2</think><answer>4</answer>";
        double expected = 1.0 * 1 + 0.5 * 1 + 2.0 * (-0.01 * good.length());
        assertEquals(expected, sum.score(new Completion("q", good, "4")), 1e-12);
        assertEquals(2.0 * (-0.01 * 3), sum.score(new Completion("q", "5 !", "4")), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new WeightedSum(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new WeightedSum.Term(Double.NaN, new TagFormat()));
    }
}
