package org.prefalign.feedback.rule;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The format reward of DeepSeek-R1 (DeepSeek-AI 2025, arXiv:2501.12948): {@code 1} if the
 * completion is exactly the tagged blocks in order — by default
 * {@code <think>…</think><answer>…</answer>} — with only whitespace before, between and after
 * them, each tag exactly once; else {@code 0}. Block contents may span lines and may be empty;
 * a completion that repeats or nests a tag fails, so a second {@code <answer>} cannot hide
 * inside the first.
 */
public final class TagFormat implements Rule {

    private final List<String> tags;
    private final Pattern layout;

    /** @param tags the block names in order, e.g. {@code ["think", "answer"]}; letters, digits, '_' or '-' */
    public TagFormat(List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("tag_format: 'tags' must be a non-empty list of tag names, got " + tags);
        }
        StringBuilder re = new StringBuilder("\\s*");
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i);
            if (t == null || !t.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("tag_format: 'tags[" + i + "]' must be a tag name of letters, digits, "
                        + "'_' or '-', got " + t);
            }
            if (tags.indexOf(t) != i) {
                throw new IllegalArgumentException("tag_format: 'tags' must not repeat a name, got " + tags);
            }
            re.append('<').append(t).append(">.*?</").append(t).append(">\\s*");
        }
        this.tags = List.copyOf(tags);
        this.layout = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** DeepSeek-R1's {@code <think>…</think><answer>…</answer>}. */
    public TagFormat() {
        this(List.of("think", "answer"));
    }

    @Override
    public double score(Completion completion) {
        String text = completion.text();
        if (!layout.matcher(text).matches()) {
            return 0;
        }
        for (String t : tags) {
            if (occurrences(text, "<" + t + ">") != 1 || occurrences(text, "</" + t + ">") != 1) {
                return 0;
            }
        }
        return 1;
    }

    private static int occurrences(String text, String tag) {
        int n = 0;
        for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length())) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return "tag_format" + tags;
    }
}
