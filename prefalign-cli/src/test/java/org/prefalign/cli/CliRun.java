package org.prefalign.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the {@code prefalign} command line in this JVM, as a user would start it.
 *
 * @param status the exit status
 * @param out    what it printed to standard output
 * @param err    what it printed to standard error
 */
record CliRun(int status, String out, String err) {

    /** Runs {@code prefalign args...}. */
    static CliRun of(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }
}
