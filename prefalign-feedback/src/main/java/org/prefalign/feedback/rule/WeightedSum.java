package org.prefalign.feedback.rule;

import java.util.List;
import java.util.Objects;

/**
 * A weighted combination of rules, {@code r = Σ_i w_i · r_i}, as RLVR recipes add an accuracy
 * reward, a format reward and a length penalty (DeepSeek-R1, arXiv:2501.12948; DAPO,
 * arXiv:2503.14476).
 */
public final class WeightedSum implements Rule {

    /** One weighted part. */
    public record Term(double weight, Rule rule) {
        public Term {
            Objects.requireNonNull(rule, "rule");
            if (!Double.isFinite(weight)) {
                throw new IllegalArgumentException("weighted: 'weight' must be finite, got " + weight);
            }
        }
    }

    private final List<Term> terms;

    /** @param terms at least one weighted rule */
    public WeightedSum(List<Term> terms) {
        if (terms == null || terms.isEmpty()) {
            throw new IllegalArgumentException("weighted: 'rules' must be a non-empty list, got " + terms);
        }
        this.terms = List.copyOf(terms);
    }

    @Override
    public double score(Completion completion) {
        double sum = 0;
        for (Term t : terms) {
            sum += t.weight() * t.rule().score(completion);
        }
        return sum;
    }

    /** The parts, in order. */
    public List<Term> terms() {
        return terms;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("weighted(");
        for (int i = 0; i < terms.size(); i++) {
            s.append(i > 0 ? " + " : "").append(terms.get(i).weight()).append('·').append(terms.get(i).rule());
        }
        return s.append(')').toString();
    }
}
