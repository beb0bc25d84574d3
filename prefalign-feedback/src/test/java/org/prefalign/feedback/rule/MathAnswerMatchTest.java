package org.prefalign.feedback.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MathAnswerMatchTest {

    private final MathAnswerMatch exact = new MathAnswerMatch();

    private double score(Rule rule, String completion, String reference) {
        return rule.score(new Completion("q", completion, reference));
    }

    @Test
    void extractsGsm8kAnswerAfterTheLastMark() {
        String completion = "She sold 48/2 = 24 clips in May.\nAltogether 48+24 = 72 clips.\n#### 72";
        assertEquals(Optional.of("72"), AnswerExtraction.GSM8K.extract(completion));
        assertEquals(1, score(exact, completion, "Natalia sold 48 clips ... 48+24 = <<48+24=72>>72\n#### 72"));
        assertEquals(0, score(exact, completion.replace("#### 72", "#### 73"), "#### 72"));
        assertEquals(Optional.of("5"), AnswerExtraction.GSM8K.extract("#### 4\n#### 5\n"));
    }

    @Test
    void extractsTheLastBoxWithNestedBraces() {
        assertEquals(Optional.of("\\sqrt{\\frac{1}{2}}"), AnswerExtraction.BOXED.extract("so $\\boxed{\\sqrt{\\frac{1}{2}}}$."));
        assertEquals(Optional.of("2"), AnswerExtraction.BOXED.extract("first \\boxed{1}, corrected: \\boxed{2}"));
        assertEquals(Optional.of("\\{1,2\\}"), AnswerExtraction.BOXED.extract("\\boxed{\\{1,2\\}}"));
        assertEquals(Optional.of("7"), AnswerExtraction.BOXED.extract("\\boxed 7$"));
        assertEquals(Optional.empty(), AnswerExtraction.BOXED.extract("\\boxed{\\frac{1}{2}"));
        assertEquals(1, score(exact, "Hence \\boxed{\\frac{3}{4}}.", "0.75"));
        assertEquals(1, score(exact, "Hence \\boxed{\\dfrac{-1}{2}}.", "-1/2"));
        assertEquals(1, score(exact, "\\boxed{\\sqrt{\\frac{1}{2}}}", "\\boxed{\\sqrt{\\frac{1}{2}}}"));
        assertEquals(0, score(exact, "\\boxed{\\sqrt{\\frac{1}{3}}}", "\\sqrt{\\frac{1}{2}}"));
    }

    @Test
    void autoFollowsTheFormatTheCompletionUses() {
        // An unclosed box (a completion cut off at the length limit) is no answer, not the last number.
        assertEquals(Optional.empty(), AnswerExtraction.AUTO.extract("so the answer is \\boxed{12"));
        assertEquals(0, score(exact, "so the answer is \\boxed{12", "12"));
        assertEquals(Optional.of("9"), AnswerExtraction.AUTO.extract("3 then \\boxed{9} and 10"));
        assertEquals(Optional.of("3/4"), AnswerExtraction.AUTO.extract("we get 1 and then \\frac{3}{4}"));
        assertEquals(Optional.of("1,234,567"), AnswerExtraction.LAST_NUMBER.extract("total 1,234,567 apples"));
    }

    @Test
    void readsNegativeNumbersButNotBinaryMinus() {
        assertEquals(Optional.of("-3"), AnswerExtraction.LAST_NUMBER.extract("The answer is -3."));
        assertEquals(Optional.of("4"), AnswerExtraction.LAST_NUMBER.extract("pages 3-4"));
        assertEquals(1, score(exact, "#### -5", "-5"));
        assertEquals(0, score(exact, "#### -5", "5"));
        assertEquals(1, score(exact, "x = \u22124", "-4"));
        assertEquals(1, score(exact, "it is -.5", "-1/2"));
    }

    @Test
    void comparesNumbersWrittenDifferently() {
        assertEquals(1, score(exact, "#### 1,234", "1234"));
        assertEquals(1, score(exact, "#### $18.00", "18"));
        assertEquals(1, score(exact, "#### 18 dollars", "18"));
        assertEquals(1, score(exact, "\\boxed{50\\%}", "50"));
        assertEquals(1, score(exact, "\\boxed{90^\\circ}", "90"));
        assertEquals(1, score(exact, "\\boxed{x = 3}", "3"));
        assertEquals(1, score(exact, "\\boxed{1e3}", "1000"));
        assertEquals(1, score(exact, "#### 3/4", "\\frac{3}{4}"));
        assertEquals(0, score(exact, "#### 3/0", "0"));
    }

    @Test
    void toleranceIsAbsoluteOrRelativeToTheReference() {
        assertEquals(0, score(exact, "#### 0.3333", "1/3"));
        assertEquals(1, score(new MathAnswerMatch(AnswerExtraction.AUTO, 1e-3, 0, 1, 0), "#### 0.3333", "1/3"));
        // |1000.5 − 1000| = 0.5 ≤ 1e-3 · 1000 = 1
        assertEquals(1, score(new MathAnswerMatch(AnswerExtraction.AUTO, 0, 1e-3, 1, 0), "#### 1000.5", "1000"));
        assertEquals(0, score(new MathAnswerMatch(AnswerExtraction.AUTO, 0, 1e-4, 1, 0), "#### 1000.5", "1000"));
    }

    @Test
    void nonNumericAnswersCompareAsCanonicalStrings() {
        assertEquals(1, score(exact, "\\boxed{(2, 3)}", "(2,3)"));
        assertEquals(0, score(exact, "\\boxed{(2, 3)}", "(3,2)"));
        assertEquals(1, score(exact, "\\boxed{\\left(\\tfrac{a}{b}\\right)}", "(\\frac{a}{b})"));
        assertEquals(1, score(exact, "\\boxed{\\text{(B)}}", "(B)"));
        assertEquals(0, score(exact, "\\boxed{\\text{(B)}}", "(A)"));
    }

    @Test
    void missingAnswerGetsTheIncorrectReward() {
        MathAnswerMatch dapo = new MathAnswerMatch(AnswerExtraction.AUTO, 1e-6, 0, 1, -1);
        assertEquals(-1, score(dapo, "I do not know.", "42"));
        assertEquals(1, score(dapo, "It is 42", "42"));
    }

    @Test
    void referenceIsRequiredAndParametersChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> exact.score(Completion.of("42")));
        assertTrue(e.getMessage().contains("reference"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MathAnswerMatch(AnswerExtraction.AUTO, -1, 0, 1, 0));
        assertTrue(e.getMessage().contains("'tolerance' must be finite and >= 0, got -1.0"), e.getMessage());
    }
}
