package org.prefalign.feedback.judge;

/** A judge's reply has no verdict in the expected format (or several that disagree). */
public final class UnparseableVerdictException extends JudgeException {

    private static final long serialVersionUID = 1L;

    public UnparseableVerdictException(String message) {
        super(message);
    }
}
