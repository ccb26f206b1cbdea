package dev.nova.host.internal.support;

import java.io.PrintStream;

/**
 * Where the host writes: results to {@code out}, progress and diagnostics to {@code err}.
 *
 * @param out results (generated text, tables, metrics)
 * @param err progress and messages
 */
public record Terminal(PrintStream out, PrintStream err) {

    /** The process's standard streams. */
    public static Terminal system() {
        return new Terminal(System.out, System.err);
    }
}
