package org.prefalign.feedback.rule;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The verifiable reward of math RL (RLVR; Lambert et al. 2024, arXiv:2411.15124; DeepSeek-R1,
 * arXiv:2501.12948): {@code correct} if the completion's final answer equals the reference,
 * {@code incorrect} otherwise (1 and 0 by default; DAPO, arXiv:2503.14476, uses 1 and −1).
 *
 * <p>The completion's answer is found by an {@link AnswerExtraction}; the reference's answer is
 * found after {@code ####} or in {@code \boxed{}} when it has one, otherwise it is the whole
 * reference. Two answers that each state exactly one number are equal when
 * {@code |x − y| ≤ max(tolerance, relativeTolerance·|y|)} (y the reference); other answers are
 * equal when their canonical strings are (LaTeX spacing, {@code $}, {@code \left}/{@code \right}
 * removed). A completion without an answer is incorrect.
 */
public final class MathAnswerMatch implements Rule {

    private final AnswerExtraction extraction;
    private final double tolerance;
    private final double relativeTolerance;
    private final double correct;
    private final double incorrect;

    /**
     * @param extraction        where the completion states its answer
     * @param tolerance         absolute tolerance, ≥ 0
     * @param relativeTolerance tolerance relative to the reference's magnitude, ≥ 0
     * @param correct           the reward of a correct answer
     * @param incorrect         the reward of a wrong or missing answer
     */
    public MathAnswerMatch(AnswerExtraction extraction, double tolerance, double relativeTolerance, double correct,
            double incorrect) {
        this.extraction = java.util.Objects.requireNonNull(extraction, "extraction");
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("math_answer: 'tolerance' must be finite and >= 0, got " + tolerance);
        }
        if (!(relativeTolerance >= 0) || !Double.isFinite(relativeTolerance)) {
            throw new IllegalArgumentException("math_answer: 'relative_tolerance' must be finite and >= 0, got "
                    + relativeTolerance);
        }
        if (!Double.isFinite(correct) || !Double.isFinite(incorrect)) {
            throw new IllegalArgumentException("math_answer: 'correct' and 'incorrect' must be finite, got "
                    + correct + " and " + incorrect);
        }
        this.tolerance = tolerance;
        this.relativeTolerance = relativeTolerance;
        this.correct = correct;
        this.incorrect = incorrect;
    }

    /** Automatic extraction, tolerance 1e-6, rewards 1 and 0. */
    public MathAnswerMatch() {
        this(AnswerExtraction.AUTO, 1e-6, 0, 1, 0);
    }

    @Override
    public double score(Completion completion) {
        String reference = referenceAnswer(completion.requireReference("math_answer"));
        Optional<String> answer = extraction.extract(completion.text());
        return answer.isPresent() && equivalent(answer.get(), reference) ? correct : incorrect;
    }

    /** The answer a reference states: after {@code ####}, in {@code \boxed{}}, or all of it. */
    static String referenceAnswer(String reference) {
        return AnswerExtraction.GSM8K.extract(reference).or(() -> AnswerExtraction.BOXED.extract(reference))
                .orElse(reference.strip());
    }

    /** Whether {@code answer} matches {@code reference} numerically within tolerance, or as canonical strings. */
    boolean equivalent(String answer, String reference) {
        OptionalDouble x = NumericAnswer.value(answer);
        OptionalDouble y = NumericAnswer.value(reference);
        if (x.isPresent() && y.isPresent()) {
            double ref = y.getAsDouble();
            return Math.abs(x.getAsDouble() - ref) <= Math.max(tolerance, relativeTolerance * Math.abs(ref));
        }
        return NumericAnswer.canonical(answer).equals(NumericAnswer.canonical(reference));
    }

    @Override
    public String toString() {
        return "math_answer(extract=" + extraction.configName() + ", tolerance=" + tolerance + ", relative_tolerance="
                + relativeTolerance + ")";
    }
}
