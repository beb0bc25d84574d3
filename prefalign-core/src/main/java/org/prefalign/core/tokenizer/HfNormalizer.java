package org.prefalign.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code normalizer} of a {@code tokenizer.json}: a text-to-text rewrite applied to each
 * stretch of input between added tokens. Supported: {@code NFC}, {@code NFD}, {@code NFKC},
 * {@code NFKD}, {@code Lowercase}, {@code Prepend} (Llama 2's dummy prefix), {@code Replace}
 * (Llama 2's space → ▁), {@code Strip} and {@code Sequence}.
 */
@FunctionalInterface
interface HfNormalizer {

    String normalize(String text);

    HfNormalizer IDENTITY = text -> text;

    /** The normalizer described by {@code node} (null → identity). */
    static HfNormalizer parse(JsonNode node, HfJson json, String path) {
        if (node == null) {
            return IDENTITY;
        }
        String type = json.type(node, path);
        return switch (type) {
            case "NFC" -> text -> Normalizer.normalize(text, Normalizer.Form.NFC);
            case "NFD" -> text -> Normalizer.normalize(text, Normalizer.Form.NFD);
            case "NFKC" -> text -> Normalizer.normalize(text, Normalizer.Form.NFKC);
            case "NFKD" -> text -> Normalizer.normalize(text, Normalizer.Form.NFKD);
            case "Lowercase" -> text -> text.toLowerCase(Locale.ROOT);
            case "Prepend" -> {
                String prefix = json.string(node, "prepend", path);
                yield text -> text.isEmpty() ? text : prefix + text;
            }
            case "Replace" -> {
                Pattern p = pattern(json.required(node, "pattern", path), json, path + ".pattern");
                String content = json.string(node, "content", path);
                String replacement = Matcher.quoteReplacement(content);
                yield text -> p.matcher(text).replaceAll(replacement);
            }
            case "Strip" -> {
                boolean left = json.bool(node, "strip_left", false, path);
                boolean right = json.bool(node, "strip_right", false, path);
                yield text -> left && right ? text.strip() : left ? text.stripLeading() : right ? text.stripTrailing() : text;
            }
            case "Sequence" -> {
                List<HfNormalizer> steps = new ArrayList<>();
                JsonNode list = json.array(node, "normalizers", path);
                for (int i = 0; i < list.size(); i++) {
                    steps.add(parse(list.get(i), json, path + ".normalizers[" + i + "]"));
                }
                yield text -> {
                    for (HfNormalizer n : steps) {
                        text = n.normalize(text);
                    }
                    return text;
                };
            }
            default -> throw json.unsupported(path, type, "NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence");
        };
    }

    /** A {@code {"String": ...}} (literal) or {@code {"Regex": ...}} pattern as a Java pattern. */
    static Pattern pattern(JsonNode node, HfJson json, String path) {
        JsonNode literal = HfJson.optional(node, "String");
        if (literal != null) {
            return Pattern.compile(Pattern.quote(literal.asText()));
        }
        JsonNode regex = HfJson.optional(node, "Regex");
        if (regex != null) {
            return HfRegex.compile(regex.asText(), json, path + ".Regex");
        }
        throw json.error(path, "must be {\"String\": ...} or {\"Regex\": ...}");
    }
}
