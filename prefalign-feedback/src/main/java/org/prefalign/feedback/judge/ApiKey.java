package org.prefalign.feedback.judge;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A judge API's secret key, read from an environment variable. It leaves this object only as an
 * {@code Authorization} header: {@link #toString()} names the variable, never the value, and
 * {@link #redact(String)} scrubs the value from any text bound for a message or log (a server may
 * echo request headers in an error body).
 */
public final class ApiKey {

    private static final ApiKey NONE = new ApiKey("(none)", null);

    private final String variable;
    private final String value;

    private ApiKey(String variable, String value) {
        this.variable = variable;
        this.value = value;
    }

    /**
     * The key in environment variable {@code variable}, looked up through {@code environment}.
     *
     * @throws IllegalArgumentException naming the variable (not a value) when it is unset or empty
     */
    public static ApiKey fromEnvironment(String variable, UnaryOperator<String> environment) {
        Objects.requireNonNull(variable, "variable");
        String v = environment.apply(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("judge API key: environment variable " + variable + " is not set");
        }
        return new ApiKey(variable, v.strip());
    }

    /** The key in environment variable {@code variable} of this process. */
    public static ApiKey fromEnvironment(String variable) {
        return fromEnvironment(variable, System::getenv);
    }

    /** No key: for local OpenAI-compatible servers (vLLM, llama.cpp) that need none. */
    public static ApiKey none() {
        return NONE;
    }

    /** Whether there is a key to send. */
    boolean present() {
        return value != null;
    }

    /** The {@code Authorization} header value; used only when building a request. */
    String bearer() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced by {@code ***}. */
    public String redact(String text) {
        return value == null || text == null ? text : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "ApiKey[" + variable + "]";
    }
}
