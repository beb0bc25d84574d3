package org.prefalign.feedback.human;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Agreement between coders on nominal ratings ({@link RatingTable}): how far human preference
 * labels can be trusted, and the ceiling a judge or reward model can be expected to reach.
 *
 * <p>Each statistic names the ratings it uses; a statistic that is undefined for the data (no
 * pairable ratings, or chance agreement of 1 because a single category was used) is an error, never NaN.
 */
public final class Agreement {

    private Agreement() {
    }

    /**
     * Raw percent agreement: the fraction of agreeing pairs among all pairs of ratings of the same
     * unit, {@code Σ_u #agreeing pairs in u / Σ_u C(m_u, 2)} (m_u the ratings of unit u). For two
     * coders it is the fraction of units both rated on which they agree. It ignores chance agreement.
     */
    public static double percentAgreement(RatingTable t) {
        long agreeing = 0;
        long pairs = 0;
        for (int u = 0; u < t.units(); u++) {
            List<String> r = t.ratingsOf(u);
            for (int i = 0; i < r.size(); i++) {
                for (int j = i + 1; j < r.size(); j++) {
                    pairs++;
                    agreeing += r.get(i).equals(r.get(j)) ? 1 : 0;
                }
            }
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("percent agreement: no unit has two ratings");
        }
        return (double) agreeing / pairs;
    }

    /**
     * Cohen's κ of two coders (Cohen 1960, "A Coefficient of Agreement for Nominal Scales"):
     * {@code κ = (p_o − p_e) / (1 − p_e)}, over the units both rated, with p_o the observed agreement
     * and {@code p_e = Σ_k p_1(k) · p_2(k)} the agreement expected from each coder's own category
     * frequencies.
     */
    public static double cohensKappa(RatingTable t, String coder1, String coder2) {
        int c1 = t.coder(coder1);
        int c2 = t.coder(coder2);
        Map<String, Integer> n1 = new HashMap<>();
        Map<String, Integer> n2 = new HashMap<>();
        int n = 0;
        int agree = 0;
        for (int u = 0; u < t.units(); u++) {
            String a = t.value(u, c1);
            String b = t.value(u, c2);
            if (a == null || b == null) {
                continue;
            }
            n++;
            agree += a.equals(b) ? 1 : 0;
            n1.merge(a, 1, Integer::sum);
            n2.merge(b, 1, Integer::sum);
        }
        if (n == 0) {
            throw new IllegalArgumentException("Cohen's kappa: annotators '" + coder1 + "' and '" + coder2
                    + "' rated no item in common");
        }
        double po = (double) agree / n;
        double pe = 0;
        for (Map.Entry<String, Integer> e : n1.entrySet()) {
            pe += (double) e.getValue() / n * n2.getOrDefault(e.getKey(), 0) / n;
        }
        return chanceCorrected("Cohen's kappa", po, pe);
    }

    /**
     * Fleiss' κ for a fixed number n ≥ 2 of ratings per unit (Fleiss 1971, "Measuring Nominal Scale
     * Agreement Among Many Raters"): with n_uk the ratings of unit u in category k and N units,
     * {@code P_u = (Σ_k n_uk² − n) / (n(n − 1))}, {@code P̄ = mean P_u}, {@code p_k = Σ_u n_uk / (N n)},
     * {@code P_e = Σ_k p_k²}, and {@code κ = (P̄ − P_e) / (1 − P_e)}. Units rated by a different
     * number of coders are an error (Krippendorff's α handles them).
     */
    public static double fleissKappa(RatingTable t) {
        Set<String> categories = t.categories();
        int n = -1;
        double sumP = 0;
        Map<String, Double> totals = new HashMap<>();
        for (int u = 0; u < t.units(); u++) {
            List<String> r = t.ratingsOf(u);
            if (n < 0) {
                n = r.size();
            } else if (r.size() != n) {
                throw new IllegalArgumentException("Fleiss' kappa needs the same number of ratings per item: item '"
                        + t.unitNames().get(u) + "' has " + r.size() + ", item '" + t.unitNames().get(0) + "' has " + n
                        + " (use Krippendorff's alpha for missing ratings)");
            }
            Map<String, Integer> counts = new HashMap<>();
            r.forEach(v -> counts.merge(v, 1, Integer::sum));
            double squares = 0;
            for (int c : counts.values()) {
                squares += (double) c * c;
            }
            counts.forEach((k, c) -> totals.merge(k, (double) c, Double::sum));
            if (n >= 2) {
                sumP += (squares - n) / ((double) n * (n - 1));
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("Fleiss' kappa needs at least 2 ratings per item, got " + Math.max(n, 0));
        }
        double pBar = sumP / t.units();
        double pe = 0;
        for (String k : categories) {
            double p = totals.getOrDefault(k, 0.0) / ((double) t.units() * n);
            pe += p * p;
        }
        return chanceCorrected("Fleiss' kappa", pBar, pe);
    }

    /**
     * Krippendorff's α for nominal data, any number of coders and missing ratings (Krippendorff 2011,
     * "Computing Krippendorff's Alpha-Reliability"): from the coincidence matrix
     * {@code o_ck = Σ_u (#ordered pairs (c, k) of ratings in u) / (m_u − 1)} over units with m_u ≥ 2
     * ratings, {@code n_c = Σ_k o_ck} and {@code n = Σ_c n_c},
     * {@code α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k}.
     */
    public static double krippendorffAlpha(RatingTable t) {
        Map<String, Double> nc = new HashMap<>();
        double disagreeing = 0; // Σ_{c≠k} o_ck
        for (int u = 0; u < t.units(); u++) {
            List<String> r = t.ratingsOf(u);
            int m = r.size();
            if (m < 2) {
                continue;
            }
            Map<String, Integer> counts = new HashMap<>();
            r.forEach(v -> counts.merge(v, 1, Integer::sum));
            // Ordered pairs of different values in u: m² − Σ_c count_c²; each weighs 1 / (m − 1).
            double sameSquares = 0;
            for (int c : counts.values()) {
                sameSquares += (double) c * c;
            }
            disagreeing += ((double) m * m - sameSquares) / (m - 1);
            // n_c = Σ_k o_ck: each of the c-ratings pairs with the m − 1 others at weight 1 / (m − 1).
            counts.forEach((k, c) -> nc.merge(k, (double) c, Double::sum));
        }
        double n = nc.values().stream().mapToDouble(Double::doubleValue).sum();
        if (n < 2) {
            throw new IllegalArgumentException("Krippendorff's alpha: no item has two ratings");
        }
        double expected = n * n; // Σ_{c≠k} n_c n_k = n² − Σ_c n_c²
        for (double v : nc.values()) {
            expected -= v * v;
        }
        if (expected == 0) {
            throw new IllegalArgumentException("Krippendorff's alpha is undefined: every rating is the same category");
        }
        return 1 - (n - 1) * disagreeing / expected;
    }

    private static double chanceCorrected(String name, double observed, double chance) {
        if (chance >= 1) {
            throw new IllegalArgumentException(name + " is undefined: chance agreement is 1 (a single category was used)");
        }
        return (observed - chance) / (1 - chance);
    }
}
