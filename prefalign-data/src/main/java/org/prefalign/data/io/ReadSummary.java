package org.prefalign.data.io;

/**
 * What a reader did with a file: every line is a record, a skipped bad line, or a blank line
 * ({@code lines == records + skipped + blankLines} once the file is read to its end).
 *
 * <p>Blank lines (empty or only whitespace) are not records and not errors: they are skipped
 * and counted under either policy, since editors and tools leave them.
 *
 * @param source     the file name
 * @param lines      lines read so far
 * @param records    records returned
 * @param skipped    malformed lines skipped (always 0 under the fail policy)
 * @param blankLines blank lines
 */
public record ReadSummary(String source, long lines, long records, long skipped, long blankLines) {

    @Override
    public String toString() {
        return source + ": read " + records + (records == 1 ? " record" : " records") + ", skipped " + skipped
                + " malformed, " + blankLines + " blank (" + lines + (lines == 1 ? " line)" : " lines)");
    }
}
