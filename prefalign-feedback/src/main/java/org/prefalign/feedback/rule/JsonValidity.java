package org.prefalign.feedback.rule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code 1} if the completion is one valid JSON value (RFC 8259) and nothing else, else {@code 0}.
 * Surrounding whitespace is allowed; trailing content and duplicate object keys are not. With
 * {@code codeFence} a completion wrapped in one Markdown fence ({@code ```json … ```}) is judged
 * by what is inside; with {@code requireObject} the value must be a JSON object.
 */
public final class JsonValidity implements Rule {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern FENCE = Pattern.compile("\\s*```[A-Za-z0-9_-]*[ \\t]*\\R(.*?)\\R?```\\s*", Pattern.DOTALL);

    private final boolean codeFence;
    private final boolean requireObject;

    /**
     * @param codeFence     accept one Markdown code fence around the JSON
     * @param requireObject accept only a JSON object (not an array, string, number, …)
     */
    public JsonValidity(boolean codeFence, boolean requireObject) {
        this.codeFence = codeFence;
        this.requireObject = requireObject;
    }

    @Override
    public double score(Completion completion) {
        String text = completion.text();
        if (codeFence) {
            Matcher m = FENCE.matcher(text);
            if (m.matches()) {
                text = m.group(1);
            }
        }
        if (text.isBlank()) {
            return 0;
        }
        try {
            JsonNode value = STRICT.readTree(text);
            return value != null && !value.isMissingNode() && (!requireObject || value.isObject()) ? 1 : 0;
        } catch (JsonProcessingException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "json_valid(code_fence=" + codeFence + ", require_object=" + requireObject + ")";
    }
}
