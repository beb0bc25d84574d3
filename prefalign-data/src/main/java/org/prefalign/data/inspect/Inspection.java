package org.prefalign.data.inspect;

import java.util.Map;
import org.prefalign.data.io.JsonlFormat;
import org.prefalign.data.io.ReadSummary;

/**
 * What {@link DatasetInspector} found in one file.
 *
 * @param source     the file
 * @param format     the format read, or null when it could not be told
 * @param summary    lines, records, malformed and blank lines (null when the format could not be told)
 * @param fatal      the error that ended the read early (undetectable format, truncated gzip), or null
 * @param counts     counts of record properties, e.g. {@code chat}, {@code ties}, {@code desirable}
 * @param characters characters per field per record (a ranking's completions each count once)
 * @param messages   messages per field per record, chat records only
 * @param values     numeric fields: {@code margin}, {@code reward}, {@code score}, {@code completions}
 */
public record Inspection(String source, JsonlFormat<?> format, ReadSummary summary, String fatal,
                         Map<String, Long> counts, Map<String, Stats> characters, Map<String, Stats> messages,
                         Map<String, Stats> values) {

    /** True when the file has malformed lines or could not be read to its end. */
    public boolean hasErrors() {
        return fatal != null || summary == null || summary.skipped() > 0;
    }
}
