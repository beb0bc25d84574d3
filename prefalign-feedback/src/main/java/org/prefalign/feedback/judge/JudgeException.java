package org.prefalign.feedback.judge;

/**
 * A judge gave no verdict: retries were exhausted, the server refused the request (an HTTP 4xx
 * other than 408/429), or the reply held no verdict that could be parsed. Messages never contain
 * the API key.
 */
public class JudgeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JudgeException(String message) {
        super(message);
    }

    public JudgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
