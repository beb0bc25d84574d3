package org.prefalign.feedback.judge;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.prefalign.feedback.Choice;

/**
 * Reads verdicts from judge replies, strictly: a reply must state exactly one verdict (it may repeat
 * it). A reply with none, or with two that disagree ("not [[A]] but [[B]]"), is unparseable — never
 * guessed.
 */
public final class Verdicts {

    private static final Pattern PAIRWISE = Pattern.compile("\\[\\[([ABC])\\]\\]");
    private static final Pattern RATING = Pattern.compile("\\[\\[\\s*(\\d+(?:\\.\\d+)?)\\s*\\]\\]");

    private Verdicts() {
    }

    /**
     * The pairwise verdict: {@code [[A]]}, {@code [[B]]}, or {@code [[C]]} for a tie.
     *
     * @throws UnparseableVerdictException if the reply states none or several
     */
    public static Choice pairwise(String reply) {
        Set<String> found = all(PAIRWISE, reply);
        if (found.size() != 1) {
            throw new UnparseableVerdictException(found.isEmpty() ? "no verdict [[A]], [[B]] or [[C]]"
                    : "conflicting verdicts " + found);
        }
        return switch (found.iterator().next()) {
            case "A" -> Choice.A;
            case "B" -> Choice.B;
            default -> Choice.TIE;
        };
    }

    /**
     * The pointwise rating {@code [[n]]}, n in [1, 10] (decimals allowed, as MT-Bench's parser does).
     *
     * @throws UnparseableVerdictException if the reply states none, several, or one outside [1, 10]
     */
    public static double rating(String reply) {
        Set<Double> found = new TreeSet<>();
        for (String r : all(RATING, reply)) {
            found.add(Double.parseDouble(r));
        }
        if (found.size() != 1) {
            throw new UnparseableVerdictException(found.isEmpty() ? "no rating [[n]]" : "conflicting ratings " + found);
        }
        double r = found.iterator().next();
        if (r < 1 || r > 10) {
            throw new UnparseableVerdictException("rating [[" + r + "]] outside 1 to 10");
        }
        return r;
    }

    private static Set<String> all(Pattern p, String reply) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(reply);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
