package dev.nova.host;

import dev.nova.host.internal.cli.Cli;
import dev.nova.host.internal.support.Terminal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code nova} command line in this JVM, keeping what it prints. */
final class InProcess {

    private InProcess() {
    }

    /** What a command printed and its exit code. */
    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Result nova(String... args) {
        return nova(false, args);
    }

    /** As {@link #nova(String...)}, with standard output a terminal (an interactive session) when asked. */
    static Result nova(boolean onATerminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), onATerminal), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
