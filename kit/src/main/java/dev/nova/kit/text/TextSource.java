package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import org.apiguardian.api.API;

/**
 * A model's training text as its config names it, read on first use (so a model restored only to sample needs no
 * data), with a relative path resolved against the run's base directory and the held-out tail split off.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TextSource {

    private final String pluginId;
    private final String path;
    private final ModelContext context;
    private final Module module;
    private final double holdout;
    private final int minimum;
    private final TextDataSettings settings;
    private Corpus corpus;

    /**
     * Describes the text; reads nothing.
     *
     * @param pluginId for messages
     * @param path as configured: a file, a folder, or {@code builtin:<name>}
     * @param context resolves a relative path
     * @param module the plugin's module, searched first for built-in corpora
     * @param holdout the held-out fraction
     * @param minimum the fewest tokens the training part needs (a sequence plus one)
     */
    public TextSource(String pluginId, String path, ModelContext context, Module module, double holdout, int minimum) {
        this(pluginId, path, context, module, holdout, minimum, new TextDataSettings(path, holdout));
    }

    /**
     * Describes the text and its tokenizer; reads nothing.
     *
     * @param pluginId for messages
     * @param path as configured: a file, a folder, or {@code builtin:<name>}
     * @param context resolves a relative path
     * @param module the plugin's module, searched first for built-in corpora
     * @param holdout the held-out fraction
     * @param minimum the fewest tokens the training part needs (a sequence plus one)
     * @param settings the tokenizer's settings ({@code data.tokenizer}, {@code tokenizer.*})
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public TextSource(String pluginId, String path, ModelContext context, Module module, double holdout, int minimum,
                      TextDataSettings settings) {
        this.settings = settings;
        this.pluginId = pluginId;
        this.path = path;
        this.context = context;
        this.module = module;
        this.holdout = holdout;
        this.minimum = minimum;
    }

    /**
     * The text {@link #tinyCorpus} repeats: also every character a model trained on it may produce, the vocabulary
     * of a conformance profile ({@code ConformanceProfile.withVocabulary}).
     */
    public static final String TINY_CORPUS = "the cat sat on the mat. the dog sat on the log. ";

    /**
     * Writes a tiny repetitive corpus for conformance runs and tests ({@code GeneratorProvider.conformanceConfig}).
     *
     * @param dir where to write it
     * @return its path, quoted for a HOCON value
     * @throws java.io.UncheckedIOException if it cannot be written
     */
    public static String tinyCorpus(java.nio.file.Path dir) {
        try {
            java.nio.file.Path file = dir.resolve("tiny-corpus.txt");
            java.nio.file.Files.writeString(file, TINY_CORPUS.repeat(40),
                    java.nio.charset.StandardCharsets.UTF_8);
            return com.typesafe.config.ConfigUtil.quoteString(file.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write a corpus in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The path read: built-in names as they are, others resolved against the run's base directory. */
    public String location() {
        return path.startsWith(Corpus.BUILTIN) ? path : context.resolve(path).toString();
    }

    /**
     * Reads the text at a path the way this source does (built-in corpora included).
     *
     * @param location a resolved path or {@code builtin:<name>}
     * @return the text
     */
    public String read(String location) {
        return Corpus.read(pluginId, location, module);
    }

    /**
     * Reads the text, takes its vocabulary and keeps the encoded corpus (a new model).
     *
     * @return the vocabulary of the whole text
     */
    public Vocabulary readWithVocabulary() {
        String text = read(location());
        Vocabulary v = Vocabulary.of(text);
        corpus = Corpus.of(pluginId, text, v, holdout, minimum, location());
        return v;
    }

    /**
     * Reads the text, makes the tokenizer {@code data.tokenizer} names (the text's characters, a BPE trained on its
     * training split, or GPT-2's files) and keeps the encoded corpus (a new model).
     *
     * @return the tokenizer
     * @throws dev.nova.api.PluginException naming the file or the key: GPT-2's files missing or malformed, a
     *     {@code tokenizer.vocab-size} beyond what the text supports
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public Tokenizer readWithTokenizer() {
        if (settings.tokenizer().equals(Tokenizer.CHARS)) {
            return readWithVocabulary();
        }
        Tokenizer tokenizer;
        if (settings.tokenizer().equals(Tokenizer.GPT2)) {
            try {
                tokenizer = Subwords.gpt2(context.resolve(settings.tokenizerPath()));
            } catch (dev.nova.formats.tokens.TokenizerFileException e) {
                throw new dev.nova.api.InvalidConfigException(pluginId, java.util.List.of(
                        new dev.nova.api.ConfigProblem("tokenizer.path", e.getMessage())));
            }
            corpus = subwords(read(location()), tokenizer);
        } else {
            String text = read(location());
            String head = text.substring(0, cut(text));
            try {
                tokenizer = Subwords.train(head, settings.vocabSize());
            } catch (IllegalArgumentException e) {
                throw new dev.nova.api.InvalidConfigException(pluginId, java.util.List.of(new dev.nova.api.ConfigProblem(
                        "tokenizer.vocab-size", e.getMessage().replaceFirst("^vocab-size (\\d+) is ", "is $1, ")
                        + " (the training split of " + location() + ", " + head.codePointCount(0, head.length())
                        + " characters)")));
            }
            corpus = subwords(text, tokenizer);
        }
        return tokenizer;
    }

    /** Where the held-out tail starts, in chars: the last {@code holdout} of the text's code points. */
    private int cut(String text) {
        int n = text.codePointCount(0, text.length());
        return text.offsetByCodePoints(0, n - (int) Math.round(n * holdout));
    }

    /**
     * A corpus of byte-level tokens: the training head and the held-out tail, cut by characters, are encoded apart,
     * so that the held-out tokens are exactly the tail's and a trained tokenizer never saw them.
     */
    private Corpus subwords(String text, Tokenizer tokenizer) {
        int cut = cut(text);
        int[] head = tokenizer.encode(pluginId, text.substring(0, cut), location());
        int[] tail = tokenizer.encode(pluginId, text.substring(cut), location());
        if (head.length < minimum) {
            throw new dev.nova.api.PluginException(pluginId, location() + " has " + head.length + " training tokens ("
                    + settings.tokenizer() + "); training needs at least " + minimum + " after holding out " + holdout
                    + " (the model's window + 1)");
        }
        int[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return new Corpus(all, head.length, location());
    }

    /**
     * Reads the text for a model fine-tuned from a parent: its vocabulary is the parent's grown by every character of
     * the text the parent lacks ({@link Vocabulary#grow}), and the encoded corpus is kept.
     *
     * @param parent the parent model's vocabulary
     * @return the grown vocabulary (the parent's when the text has no new character)
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public Vocabulary readGrowing(Vocabulary parent) {
        String text = read(location());
        Vocabulary v = parent.grow(text);
        corpus = Corpus.of(pluginId, text, v, holdout, minimum, location());
        return v;
    }

    /**
     * Reads the text for a model fine-tuned from a parent, which keeps its parent's tokenizer: a character vocabulary
     * grown by the text's new characters ({@link #readGrowing(Vocabulary)}), a byte-level one as it is.
     *
     * @param parent the parent model's tokenizer
     * @return the child's tokenizer
     * @throws dev.nova.api.PluginException if {@code data.tokenizer} names another kind than the parent's
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public Tokenizer readGrowing(Tokenizer parent) {
        if (!parent.kind().equals(settings.tokenizer())) {
            throw new dev.nova.api.PluginException(pluginId, "data.tokenizer is " + settings.tokenizer()
                    + " but the parent model's tokenizer is " + parent.kind() + "; a fine-tuned model keeps its parent's");
        }
        if (parent instanceof Vocabulary v) {
            return readGrowing(v);
        }
        corpus = subwords(read(location()), parent);
        return parent;
    }

    /**
     * The text as real data for sample-quality metrics ({@code GenerativeModel.referenceData()}): the training part
     * and the held-out tail, decoded; the fingerprint is the SHA-256 of the whole text's tokens and vocabulary.
     *
     * @param vocabulary the model's tokenizer
     * @return the reference data
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public dev.nova.api.ReferenceData reference(Tokenizer vocabulary) {
        return new dev.nova.api.ReferenceData() {
            @Override
            public java.util.Optional<String> text(Split split) {
                Corpus c = get(vocabulary);
                int[] t = c.tokens();
                int from = split == Split.TRAINING ? 0 : c.trainEnd();
                int to = split == Split.TRAINING ? c.trainEnd() : t.length;
                return java.util.Optional.of(vocabulary.decode(java.util.Arrays.copyOfRange(t, from, to)));
            }

            @Override
            public String fingerprint() {
                try {
                    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
                    Corpus c = get(vocabulary);
                    int[] codePoints = vocabulary instanceof Vocabulary v ? v.codePoints()
                            : new int[] {vocabulary.kind().hashCode(), vocabulary.size()};
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * (c.tokens().length + codePoints.length + 1));
                    bytes.putInt(c.trainEnd());
                    for (int cp : codePoints) {
                        bytes.putInt(cp);
                    }
                    for (int t : c.tokens()) {
                        bytes.putInt(t);
                    }
                    return java.util.HexFormat.of().formatHex(d.digest(bytes.array()));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /**
     * The text an evaluation scores: a file or folder the request names, or the held-out tail.
     *
     * @param data the request's data path, if any
     * @param vocabulary the model's tokenizer (a character vocabulary must have every character of the text)
     * @param minimum the fewest tokens a score needs (2: one input and its next token)
     * @return the tokens and what they are, for messages
     * @throws dev.nova.api.PluginException naming the text when it is too short
     */
    public Held heldOutOr(java.util.Optional<java.nio.file.Path> data, Tokenizer vocabulary, int minimum) {
        Held held;
        if (data.isPresent()) {
            String source = data.get().toString();
            held = new Held(vocabulary.encode(pluginId, read(source), source), source);
        } else {
            Corpus c = get(vocabulary);
            held = new Held(c.heldOut(), c.source() + " (held-out tail)");
        }
        if (held.tokens().length < minimum) {
            throw new dev.nova.api.PluginException(pluginId, held.source() + " is too short to evaluate: "
                    + held.tokens().length + (vocabulary instanceof Vocabulary ? " characters" : " tokens"));
        }
        return held;
    }

    /**
     * Text to evaluate on.
     *
     * @param tokens the text as tokens
     * @param source what it is, for messages
     */
    public record Held(int[] tokens, String source) {
    }

    /**
     * The corpus, encoded with a tokenizer (the model's, read from its checkpoint when restored).
     *
     * @param vocabulary the model's tokenizer
     * @return the corpus
     */
    public Corpus get(Tokenizer vocabulary) {
        if (corpus == null) {
            corpus = vocabulary instanceof Vocabulary v
                    ? Corpus.of(pluginId, read(location()), v, holdout, minimum, location())
                    : subwords(read(location()), vocabulary);
        }
        return corpus;
    }
}
