package dev.nova.host.internal.config;

import com.typesafe.config.ConfigOrigin;
import java.nio.file.Path;

/** Formats config origins as {@code file: line}. */
public final class Origins {

    private Origins() {
    }

    /**
     * Formats an origin.
     *
     * @param origin where a value came from, or {@code null}
     * @return {@code file: line}, or a description
     */
    public static String format(ConfigOrigin origin) {
        if (origin == null) {
            return "?";
        }
        if (origin.filename() != null) {
            Path file = Path.of(origin.filename());
            Path cwd = Path.of("").toAbsolutePath();
            String name = file.isAbsolute() && file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
            return origin.lineNumber() > 0 ? name + ": " + origin.lineNumber() : name;
        }
        String d = origin.description();
        // Typesafe writes "merge of a,b"; the first is the winning layer.
        if (d.startsWith("merge of ")) {
            d = d.substring("merge of ".length()).split(",")[0];
        }
        // An override (--set, or an option such as --init-from) is one line; its line number says nothing.
        if (d.startsWith("--")) {
            d = d.replaceFirst(": \\d+$", "");
        }
        return d;
    }
}
