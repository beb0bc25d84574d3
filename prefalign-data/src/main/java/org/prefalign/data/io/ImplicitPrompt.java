package org.prefalign.data.io;

import java.util.List;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;
import org.prefalign.data.record.PreferencePair;

/**
 * Recovers the prompt of a preference pair written with an implicit prompt, where {@code chosen}
 * and {@code rejected} are whole conversations that share their beginning (HH-RLHF, Bai et al.
 * 2022, arXiv:2204.05862).
 *
 * <ul>
 *   <li><b>Chat</b>: the prompt is the longest common prefix of whole messages; the completions
 *       are the remaining messages (as TRL's {@code extract_prompt}).</li>
 *   <li><b>Text</b>: the prompt is the longest common prefix of characters, cut back to the end
 *       of its last {@value #ASSISTANT_MARKER} turn marker when it contains one (HH-RLHF's
 *       dialogue format; TRL's former {@code extract_anthropic_prompt}), so responses that happen
 *       to begin alike are not cut into. Without the marker, a trailing space of the common prefix
 *       is given to the completions, as TRL's {@code extract_prompt} does.</li>
 * </ul>
 * Either way a prefix never ends between the two halves of a surrogate pair.
 */
public final class ImplicitPrompt {

    /** The turn marker of HH-RLHF's plain-text dialogues. */
    public static final String ASSISTANT_MARKER = "\n\nAssistant:";

    private ImplicitPrompt() {
    }

    /**
     * Splits two whole conversations into their shared prompt and the two completions.
     *
     * @throws IllegalArgumentException if one is text and the other chat
     */
    public static PreferencePair split(Content chosen, Content rejected) {
        if (chosen instanceof Content.Text c && rejected instanceof Content.Text r) {
            int cut = textPromptLength(c.text(), r.text());
            return new PreferencePair(Content.text(c.text().substring(0, cut)),
                    Content.text(c.text().substring(cut)), Content.text(r.text().substring(cut)));
        }
        if (chosen instanceof Content.Chat c && rejected instanceof Content.Chat r) {
            List<Message> cm = c.messages();
            List<Message> rm = r.messages();
            int n = 0;
            while (n < cm.size() && n < rm.size() && cm.get(n).equals(rm.get(n))) {
                n++;
            }
            return new PreferencePair(Content.chat(cm.subList(0, n)),
                    Content.chat(cm.subList(n, cm.size())), Content.chat(rm.subList(n, rm.size())));
        }
        throw new IllegalArgumentException("chosen is " + chosen.kind() + " but rejected is " + rejected.kind()
                + "; an implicit prompt needs both plain text or both chat messages");
    }

    private static int textPromptLength(String a, String b) {
        int n = 0;
        int max = Math.min(a.length(), b.length());
        while (n < max && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        int marker = a.lastIndexOf(ASSISTANT_MARKER, n - ASSISTANT_MARKER.length());
        if (marker >= 0) {
            return marker + ASSISTANT_MARKER.length();
        }
        if (n > 0 && a.charAt(n - 1) == ' ') {
            n--;
        }
        if (n > 0 && Character.isHighSurrogate(a.charAt(n - 1))) {
            n--;
        }
        return n;
    }
}
