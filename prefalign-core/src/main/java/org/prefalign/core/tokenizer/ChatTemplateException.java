package org.prefalign.core.tokenizer;

/**
 * A chat template failed to render: a syntax error, an unsupported construct, or the template's
 * own {@code raise_exception(...)} (e.g. "Conversation roles must alternate"). The message names
 * the template's source (file and field) and the line.
 */
public final class ChatTemplateException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }
}
