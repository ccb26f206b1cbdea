package dev.nova.host.internal.support;

import java.io.PrintStream;

/**
 * Where the host writes: results to {@code out}, progress and diagnostics to {@code err}.
 *
 * @param out results (generated text, tables, metrics)
 * @param err progress and messages
 * @param interactive whether standard output is a terminal (then control characters in generated text are shown
 *     escaped, never sent to it)
 */
public record Terminal(PrintStream out, PrintStream err, boolean interactive) {

    /**
     * Streams that are not a terminal (a pipe, a file, a test's buffer).
     *
     * @param out results
     * @param err messages
     */
    public Terminal(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    /** The process's standard streams; interactive when the JVM has a console (standard input and output a terminal). */
    public static Terminal system() {
        return new Terminal(System.out, System.err, System.console() != null);
    }

    /**
     * This terminal with an {@code out} that throws {@link OutputClosedException} at the first write after its
     * reader closed it (a {@code PrintStream} only sets an error flag), so every command stops there.
     *
     * @return the terminal
     */
    public Terminal stoppingWhenClosed() {
        PrintStream target = out;
        java.io.OutputStream checked = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                target.write(b);
                check();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                target.write(b, off, len);
                check();
            }

            @Override
            public void flush() {
                check();
            }

            private void check() {
                if (target.checkError()) {
                    throw new OutputClosedException();
                }
            }
        };
        return new Terminal(new PrintStream(checked, false, java.nio.charset.StandardCharsets.UTF_8), err, interactive);
    }

    /**
     * Text with its control characters made visible: everything below U+0020 but newline and tab, DEL, and the C1
     * controls U+0080 to U+009F, as {@code \x1b} or {@code \u009b}. An escape sequence in a model's output (a corpus
     * with ANSI colours) then cannot move the cursor, change colours or retitle the terminal.
     *
     * @param text generated text
     * @return the text, safe to print on a terminal
     */
    public static String escapeControls(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 && c <= 0x9f;
            if (control && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }
}
