package dev.nova.textgru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.PluginConfig;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;
import dev.nova.textgru.internal.Settings;
import dev.nova.textgru.internal.TextGru;
import dev.nova.textgru.internal.TextGruComponent;
import dev.nova.textgru.internal.TextGruModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code text-gru} plugin: a character-level GRU language model. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class TextGruProvider implements GeneratorProvider {

    private static final PluginInfo INFO = new PluginInfo(TextGru.ID, TextGru.VERSION, Modality.TEXT,
            VersionRange.parse("[1.0,2.0)"), "Character-level GRU language model");

    /** Reads reference.conf on first use: {@link #info()} stays free of I/O. */
    private static final PluginConfig CONFIG = PluginConfig.of(TextGruProvider.class, TextGru.ID);

    /** Creates the provider; cheap. */
    public TextGruProvider() {
    }

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public List<ConfigProblem> validate(Config given) {
        return CONFIG.validate(given, Settings::problems);
    }

    private static TextSource text(Settings s, ModelContext context) {
        return new TextSource(TextGru.ID, s.dataPath(), context, TextGruProvider.class.getModule(), s.holdout(),
                s.sequenceLength() + 1);
    }

    @Override
    public GenerativeModel create(Config given, ModelContext context) {
        Settings s = CONFIG.read(given, Settings::of);
        TextSource text = text(s, context);
        return TextGruComponent.factory().create(s, context, text.readWithVocabulary(), text).model();
    }

    @Override
    public GenerativeModel restore(Config given, ModelContext context, InputStream payload) {
        Settings s = CONFIG.read(given, Settings::of);
        return Payload.read(TextGru.ID, payload, TextGruModel.PAYLOAD_MAGIC, new int[] {TextGruModel.PAYLOAD_FORMAT},
                (format, in) -> {
                    int embedding = in.readInt();
                    int layers = in.readInt();
                    int hidden = in.readInt();
                    if (embedding != s.embedding() || layers != s.layers() || hidden != s.hidden()) {
                        throw new CheckpointException(TextGru.ID, "checkpoint holds a model with embedding " + embedding
                                + ", " + layers + " layers of " + hidden + "; the configuration asks for embedding "
                                + s.embedding() + ", " + s.layers() + " layers of " + s.hidden());
                    }
                    Vocabulary vocabulary = Vocabulary.read(TextGru.ID, in);
                    TextGruModel model = TextGruComponent.factory().create(s, context, vocabulary, text(s, context)).model();
                    model.restoreFrom(in);
                    return model;
                });
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
}
