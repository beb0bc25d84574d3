package org.prefalign.feedback.human;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;
import org.prefalign.feedback.Choice;

/**
 * Pairwise human labels, read from a JSONL annotation file with one choice per line:
 *
 * <pre>{"id": "q1", "prompt": "…", "a": "…", "b": "…", "annotator": "ann1", "choice": "a"}</pre>
 *
 * <p>{@code prompt}, {@code a} and {@code b} are text, or chat messages
 * {@code [{"role": …, "content": …}]} (all three of one kind); {@code choice} is {@code "a"},
 * {@code "b"} or {@code "tie"} (any case); {@code annotator} is a string or an integer. {@code id}
 * (string or integer) names the item; without it the item is the (prompt, a, b) triple. Other
 * fields are ignored. Every line of one item must show the same prompt and answers, and an
 * annotator labels an item at most once. Any violation stops the read with the file, the line and
 * the field.
 */
public final class Annotations {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** One item with every annotator's choice, in file order. */
    public record Item(String id, Content prompt, Content a, Content b, Map<String, Choice> votes) {
        public Item {
            votes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(votes));
        }
    }

    private final String source;
    private final List<Annotation> annotations;
    private final List<Item> items;

    private Annotations(String source, List<Annotation> annotations) {
        this.source = source;
        this.annotations = List.copyOf(annotations);
        Map<String, Annotation> first = new LinkedHashMap<>();
        Map<String, Map<String, Choice>> votes = new LinkedHashMap<>();
        for (Annotation an : annotations) {
            first.putIfAbsent(an.item(), an);
            votes.computeIfAbsent(an.item(), k -> new LinkedHashMap<>()).put(an.annotator(), an.choice());
        }
        List<Item> out = new ArrayList<>();
        first.forEach((id, an) -> out.add(new Item(id, an.prompt(), an.a(), an.b(), votes.get(id))));
        this.items = List.copyOf(out);
    }

    /**
     * Reads an annotation file.
     *
     * @throws IllegalArgumentException "FILE:LINE: field 'F' …" for the first malformed line
     */
    public static Annotations read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), r.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read annotations " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot read annotations " + file + " (not UTF-8?): " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Parses annotation lines; {@code source} names them in errors. */
    public static Annotations parse(String source, List<String> lines) {
        List<Annotation> out = new ArrayList<>();
        Map<String, Annotation> firstOfItem = new LinkedHashMap<>();
        Map<String, Integer> labelled = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            int line = i + 1;
            Annotation an = annotation(source, line, text);
            Annotation first = firstOfItem.putIfAbsent(an.item(), an);
            if (first != null) {
                sameItem(source, first, an);
            }
            Integer previous = labelled.putIfAbsent(an.item() + "\u0000" + an.annotator(), line);
            if (previous != null) {
                throw new IllegalArgumentException(source + ":" + line + ": field 'annotator': '" + an.annotator()
                        + "' already labelled item '" + an.item() + "' on line " + previous);
            }
            out.add(an);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no annotations");
        }
        return new Annotations(source, out);
    }

    private static Annotation annotation(String source, int line, String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ":" + line + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(source + ":" + line + ": expected a JSON object, got " + n);
        }
        Content prompt = content(source, line, n, "prompt");
        Content a = content(source, line, n, "a");
        Content b = content(source, line, n, "b");
        if (a.isChat() != prompt.isChat() || b.isChat() != prompt.isChat()) {
            throw new IllegalArgumentException(source + ":" + line + ": fields 'prompt', 'a' and 'b' must all be text or "
                    + "all chat messages");
        }
        String annotator = name(source, line, n, "annotator", true);
        String id = name(source, line, n, "id", false);
        if (id == null) {
            id = JSON.createArrayNode().add(n.get("prompt")).add(n.get("a")).add(n.get("b")).toString();
        }
        return new Annotation(id, prompt, a, b, annotator, choice(source, line, n), line);
    }

    private static Content content(String source, int line, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.isTextual()) {
            return Content.text(v.asText());
        }
        if (v != null && v.isArray() && !v.isEmpty()) {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode m = v.get(i);
                if (!m.path("role").isTextual() || m.path("role").asText().isBlank() || !m.path("content").isTextual()) {
                    throw new IllegalArgumentException(source + ":" + line + ": field '" + field + "[" + i
                            + "]' must be a message {\"role\": string, \"content\": string}, got " + m);
                }
                messages.add(new Message(m.get("role").asText(), m.get("content").asText()));
            }
            return Content.chat(messages);
        }
        throw new IllegalArgumentException(source + ":" + line + ": field '" + field
                + "' must be a string or a non-empty list of chat messages, got " + (v == null ? "nothing" : v));
    }

    private static String name(String source, int line, JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(source + ":" + line + ": field '" + field + "' is required");
            }
            return null;
        }
        if ((v.isTextual() && !v.asText().isBlank()) || v.isIntegralNumber()) {
            return v.asText();
        }
        throw new IllegalArgumentException(source + ":" + line + ": field '" + field
                + "' must be a non-blank string or an integer, got " + v);
    }

    private static Choice choice(String source, int line, JsonNode n) {
        JsonNode v = n.get("choice");
        String c = v != null && v.isTextual() ? v.asText().strip().toLowerCase(Locale.ROOT) : null;
        if ("a".equals(c)) {
            return Choice.A;
        }
        if ("b".equals(c)) {
            return Choice.B;
        }
        if ("tie".equals(c)) {
            return Choice.TIE;
        }
        throw new IllegalArgumentException(source + ":" + line + ": field 'choice' must be \"a\", \"b\" or \"tie\", got "
                + (v == null ? "nothing" : v));
    }

    private static void sameItem(String source, Annotation first, Annotation an) {
        String field = !first.prompt().equals(an.prompt()) ? "prompt" : !first.a().equals(an.a()) ? "a"
                : !first.b().equals(an.b()) ? "b" : null;
        if (field != null) {
            throw new IllegalArgumentException(source + ":" + an.line() + ": field '" + field + "' of item '" + an.item()
                    + "' differs from line " + first.line() + " (one id, one prompt and pair of answers)");
        }
    }

    /** Where the annotations came from. */
    public String source() {
        return source;
    }

    /** Every annotation, in file order. */
    public List<Annotation> annotations() {
        return annotations;
    }

    /** The items, in the order first seen, each with its votes. */
    public List<Item> items() {
        return items;
    }

    /** The annotators, in the order first seen. */
    public List<String> annotators() {
        return annotations.stream().map(Annotation::annotator).distinct().toList();
    }

    /** The choices as a rating table: items × annotators, categories A, B, TIE. */
    public RatingTable table() {
        RatingTable.Builder b = RatingTable.builder();
        for (Annotation an : annotations) {
            b.add(an.item(), an.annotator(), an.choice().name());
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "Annotations[" + source + ": " + annotations.size() + " choices, " + items.size() + " items]";
    }
}
