package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Parses HOCON from files the user or another program wrote (run files, configurations saved in checkpoints)
 * with bounds checked before anything is parsed: at most {@value #MAX_BYTES} bytes and at most
 * {@value #MAX_DEPTH} levels of nested objects and lists. Typesafe Config's parser recurses once per level, so a
 * file nested thousands of levels deep would otherwise end in a {@link StackOverflowError}.
 */
public final class SafeParse {

    /** The largest configuration text read, in bytes. */
    public static final int MAX_BYTES = 16 << 20;
    /** The deepest nesting of objects and lists accepted. */
    public static final int MAX_DEPTH = 64;

    private SafeParse() {
    }

    /**
     * Parses HOCON text.
     *
     * @param text the text
     * @param origin how to name it in messages (a file name, {@code --set path})
     * @return the parsed, unresolved config
     * @throws ConfigErrors one line naming the origin when the text is too deep or not valid HOCON
     */
    public static Config hocon(String text, String origin) {
        checkDepth(text, origin);
        try {
            return ConfigFactory.parseReader(new StringReader(text),
                    ConfigParseOptions.defaults().setOriginDescription(origin).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(ConfigLoader.oneLine(e)));
        }
    }

    /**
     * Parses a HOCON file (includes resolved next to it), after checking its size, encoding and nesting depth.
     *
     * @param file the file
     * @param what how to name it in messages ("run file")
     * @return the parsed, unresolved config
     */
    public static Config file(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(what + " " + file + " does not exist or is not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new UsageException(what + " " + file + " is larger than " + (MAX_BYTES >> 20)
                    + " MiB; a configuration is a few kB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(what + " " + file + " is not valid UTF-8 text");
        }
        checkDepth(text, file.toString());
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                    .setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(ConfigLoader.oneLine(e)));
        }
    }

    /**
     * Rejects text whose objects and lists nest deeper than {@link #MAX_DEPTH}, counting brackets outside quoted
     * strings and comments (a dotted key {@code a.b.c} does not nest the parser).
     */
    static void checkDepth(String text, String origin) {
        int depth = 0;
        int line = 1;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> line++;
                case '"' -> {
                    if (text.startsWith("\"\"\"", i)) {
                        int end = text.indexOf("\"\"\"", i + 3);
                        end = end < 0 ? n : end + 2;
                        line += count(text, i, end);
                        i = end;
                    } else {
                        for (i++; i < n && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
                            if (text.charAt(i) == '\\') {
                                i++;
                            }
                        }
                        if (i < n && text.charAt(i) == '\n') {
                            line++;
                        }
                    }
                }
                case '#' -> i = skipLine(text, i);
                case '/' -> {
                    if (i + 1 < n && text.charAt(i + 1) == '/') {
                        i = skipLine(text, i);
                    }
                }
                case '{', '[' -> {
                    if (++depth > MAX_DEPTH) {
                        throw new ConfigErrors(List.of(origin + ": " + line + ": objects and lists nest deeper than "
                                + MAX_DEPTH + " levels; a configuration needs a handful"));
                    }
                }
                case '}', ']' -> depth = Math.max(0, depth - 1);
                default -> { }
            }
        }
    }

    private static int skipLine(String text, int i) {
        int end = text.indexOf('\n', i);
        return end < 0 ? text.length() : end - 1;
    }

    private static int count(String text, int from, int to) {
        int lines = 0;
        for (int i = from; i < Math.min(to, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
