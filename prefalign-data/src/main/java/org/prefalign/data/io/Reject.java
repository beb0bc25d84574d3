package org.prefalign.data.io;

/**
 * A line skipped under {@link OnBadRecord#skip}: where it was, why, and its text (invalid UTF-8
 * shown as U+FFFD).
 *
 * @param source the file name
 * @param line   1-based line number
 * @param field  the field at fault, or null when the line as a whole is wrong
 * @param reason what was expected and what was found
 * @param raw    the line as read
 */
public record Reject(String source, long line, String field, String reason, String raw) {

    /** The same message the fail policy would have thrown. */
    public String message() {
        return MalformedDataException.format(source, line, field, reason);
    }
}
