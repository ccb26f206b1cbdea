package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.kit.tokens.TokenSequence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Training text: read strictly as UTF-8, encoded with a {@link Vocabulary}, split into a training head and a
 * held-out tail.
 *
 * @param tokens the whole text as vocabulary indices
 * @param trainEnd tokens before this index are for training; the rest are held out
 * @param source what was read, for messages
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Corpus(int[] tokens, int trainEnd, String source) implements TokenSequence {

    /**
     * The prefix of built-in corpora, {@code sample-data/<name>.txt} resources of a plugin's module or of the kit,
     * which ships {@code builtin:kjv-genesis} (the Book of Genesis, King James Version, public domain; see
     * {@code sample-data/SOURCE.md}).
     */
    public static final String BUILTIN = "builtin:";

    /**
     * Reads text from a file, a folder of files (recursively, in name order) or a built-in sample.
     *
     * @param pluginId for messages
     * @param path the configured path, already resolved if relative, or {@code builtin:<name>}
     * @param builtins the plugin's module, searched for {@code sample-data/<name>.txt} before the kit's own
     * @return the text
     * @throws PluginException naming the file and what was wrong (a missing path, invalid UTF-8 with its byte offset)
     */
    public static String read(String pluginId, String path, Module builtins) {
        if (path.startsWith(BUILTIN)) {
            String name = path.substring(BUILTIN.length());
            try (InputStream in = name.contains("/") ? null : builtin(builtins, "sample-data/" + name + ".txt")) {
                if (in == null) {
                    throw new PluginException(pluginId, "no built-in corpus '" + name + "' in module " + builtins.getName()
                            + " or the kit (the kit has builtin:kjv-genesis); name a UTF-8 file or folder instead");
                }
                return decode(pluginId, path, in.readAllBytes());
            } catch (IOException e) {
                throw new PluginException(pluginId, "cannot read built-in corpus " + name + ": " + e.getMessage(), e);
            }
        }
        Path p = Path.of(path);
        try {
            if (Files.isDirectory(p)) {
                StringBuilder b = new StringBuilder();
                List<Path> files;
                try (Stream<Path> s = Files.walk(p)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new PluginException(pluginId, "data folder " + p + " contains no files");
                }
                for (Path f : files) {
                    b.append(decode(pluginId, f.toString(), Files.readAllBytes(f)));
                }
                return b.toString();
            }
            if (!Files.isRegularFile(p)) {
                throw new PluginException(pluginId, "data path " + p + " does not exist (plugins." + pluginId + ".data.path)");
            }
            return decode(pluginId, p.toString(), Files.readAllBytes(p));
        } catch (IOException e) {
            throw new PluginException(pluginId, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static InputStream builtin(Module plugin, String resource) throws IOException {
        InputStream in = plugin.getResourceAsStream(resource);
        return in != null ? in : Corpus.class.getModule().getResourceAsStream(resource);
    }

    /**
     * Decodes strict UTF-8, dropping a byte-order mark.
     *
     * @param pluginId for messages
     * @param name the file, for messages
     * @param bytes the content
     * @return the text
     * @throws PluginException naming the file and byte offset of the first invalid sequence
     */
    public static String decode(String pluginId, String name, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            throw new PluginException(pluginId, name + ": invalid UTF-8 at byte offset " + in.position()
                    + "; training text must be UTF-8");
        }
        d.flush(out);
        String s = out.flip().toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /**
     * Encodes text and splits off the held-out tail.
     *
     * @param pluginId for messages
     * @param text the text
     * @param vocabulary the vocabulary; every character of the text must be in it
     * @param holdout the held-out fraction
     * @param minimum the fewest tokens the training part needs (a sequence plus one)
     * @param source for messages
     * @return the corpus
     */
    public static Corpus of(String pluginId, String text, Vocabulary vocabulary, double holdout, int minimum, String source) {
        int[] tokens = vocabulary.encode(pluginId, text, source);
        int heldOut = (int) Math.round(tokens.length * holdout);
        int trainEnd = tokens.length - heldOut;
        if (trainEnd < minimum) {
            throw new PluginException(pluginId, source + " has " + tokens.length + " characters; training needs at least "
                    + minimum + " after holding out " + holdout + " (sequence-length + 1)");
        }
        return new Corpus(tokens, trainEnd, source);
    }

    /** Tokens held out for evaluation. */
    public int heldOutLength() {
        return tokens.length - trainEnd;
    }

    /** The held-out tail (a copy). */
    public int[] heldOut() {
        return java.util.Arrays.copyOfRange(tokens, trainEnd, tokens.length);
    }
}
