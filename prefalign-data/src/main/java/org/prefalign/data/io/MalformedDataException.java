package org.prefalign.data.io;

/**
 * A data file that cannot be read as the expected format: the message names the file, the line
 * (when the problem is one line), the field (when one field is wrong) and what was expected, e.g.
 * {@code pairs.jsonl:17: field "chosen": expected a string or a list of messages, got number}.
 */
public final class MalformedDataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String field;
    private final String reason;

    /**
     * @param source the file name as messages show it
     * @param line   1-based line number, or 0 when the problem concerns the whole file
     * @param field  the field at fault (a path such as {@code chosen[1].content}), or null
     * @param reason what was expected and what was found
     */
    public MalformedDataException(String source, long line, String field, String reason) {
        super(format(source, line, field, reason));
        this.source = source;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    /** The file name as messages show it. */
    public String source() {
        return source;
    }

    /** 1-based line number, 0 for a problem of the whole file. */
    public long line() {
        return line;
    }

    /** The field at fault, or null when the line as a whole is wrong. */
    public String field() {
        return field;
    }

    /** What was expected and what was found, without the location. */
    public String reason() {
        return reason;
    }

    static String format(String source, long line, String field, String reason) {
        StringBuilder s = new StringBuilder(source);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (field != null) {
            s.append("field \"").append(field).append("\": ");
        }
        return s.append(reason).toString();
    }
}
