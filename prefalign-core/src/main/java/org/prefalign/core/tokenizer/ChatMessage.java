package org.prefalign.core.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One turn of a conversation, as chat templates see it ({@code message['role']},
 * {@code message['content']}).
 *
 * @param role    {@code system}, {@code user}, {@code assistant} (or a role a template knows)
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        if (role == null || role.isEmpty()) {
            throw new IllegalArgumentException("role must be a non-empty string");
        }
        if (content == null) {
            throw new IllegalArgumentException("content must not be null (role " + role + ")");
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** The dict a template receives. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
