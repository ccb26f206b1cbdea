package dev.nova.textgru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.textgru.internal.Corpus;
import dev.nova.textgru.internal.Settings;
import dev.nova.textgru.internal.TextGru;
import dev.nova.textgru.internal.TextGruComponent;
import dev.nova.textgru.internal.TextGruModel;
import dev.nova.textgru.internal.Vocabulary;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code text-gru} plugin: a character-level GRU language model. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class TextGruProvider implements GeneratorProvider {

    private static final PluginInfo INFO = new PluginInfo(TextGru.ID, TextGru.VERSION, Modality.TEXT,
            VersionRange.parse("[1.0,2.0)"), "Character-level GRU language model (SameDiff GRU)");

    /** Creates the provider; cheap. */
    public TextGruProvider() {
    }

    @Override
    public PluginInfo info() {
        return INFO;
    }

    private static Config reference() {
        try (InputStream in = TextGruProvider.class.getModule().getResourceAsStream("reference.conf")) {
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription("text-gru reference.conf"))
                    .getConfig("plugins." + TextGru.ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(config, reference()));
        try {
            problems.addAll(Settings.problems(config.withFallback(reference())));
        } catch (ConfigException e) {
            // A wrongly typed value (the host reports these itself, with origins, before calling validate).
            problems.add(new ConfigProblem("?", e.getMessage()));
        }
        return problems;
    }

    private static Settings settings(Config config) {
        try {
            return Settings.of(TextGru.ID, config.withFallback(reference()));
        } catch (ConfigException e) {
            throw new PluginException(TextGru.ID, "invalid configuration: " + e.getMessage(), e);
        }
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        Settings s = settings(config);
        String path = s.dataPath().startsWith(Corpus.BUILTIN) ? s.dataPath() : context.resolve(s.dataPath()).toString();
        String text = Corpus.read(TextGru.ID, path);
        Vocabulary vocabulary = Vocabulary.of(text);
        Corpus corpus = Corpus.of(TextGru.ID, text, vocabulary, s.holdout(), s.sequenceLength() + 1, path);
        TextGruModel model = TextGruComponent.factory().create(s, context, vocabulary).model();
        model.preload(corpus);
        return model;
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        Settings s = settings(config);
        DataInputStream in = new DataInputStream(payload);
        try {
            if (in.readLong() != Checkpoint.MAGIC) {
                throw new CheckpointException(TextGru.ID, "payload is not a text-gru checkpoint (wrong magic number)");
            }
            int format = in.readInt();
            if (format != Checkpoint.FORMAT) {
                throw new CheckpointException(TextGru.ID, "payload format " + format + " is not supported; this plugin"
                        + " reads format " + Checkpoint.FORMAT);
            }
            int embedding = in.readInt();
            int layers = in.readInt();
            int hidden = in.readInt();
            if (embedding != s.embedding() || layers != s.layers() || hidden != s.hidden()) {
                throw new CheckpointException(TextGru.ID, "checkpoint holds a model with embedding " + embedding + ", "
                        + layers + " layers of " + hidden + "; the configuration asks for embedding " + s.embedding() + ", "
                        + s.layers() + " layers of " + s.hidden());
            }
            int size = in.readInt();
            if (size < 1 || size > 1_114_112) {
                throw new CheckpointException(TextGru.ID, "payload is corrupt: vocabulary size " + size);
            }
            int[] cps = new int[size];
            for (int i = 0; i < size; i++) {
                cps[i] = in.readInt();
            }
            TextGruModel model = TextGruComponent.factory().create(s, context, new Vocabulary(cps)).model();
            model.restoreFrom(in);
            return model;
        } catch (EOFException e) {
            throw new CheckpointException(TextGru.ID, "payload is truncated", e);
        } catch (IOException e) {
            throw new CheckpointException(TextGru.ID, "payload is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        try {
            Path corpus = scratch.resolve("tiny-corpus.txt");
            Files.writeString(corpus, "the cat sat on the mat. the dog sat on the log. ".repeat(40), StandardCharsets.UTF_8);
            return Optional.of(ConfigFactory.parseString("""
                    data { path = "%s", holdout = 0.2 }
                    model { embedding = 8, hidden = 32 }
                    train { sequence-length = 16, batch = 8, learning-rate = 0.01 }
                    eval.batches = 2
                    generate.length = 16
                    """.formatted(corpus.toString().replace("\\", "\\\\"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload header constants, shared with the model's writer. */
    private static final class Checkpoint {
        static final long MAGIC = dev.nova.textgru.internal.TextGruModel.PAYLOAD_MAGIC;
        static final int FORMAT = dev.nova.textgru.internal.TextGruModel.PAYLOAD_FORMAT;
    }
}
