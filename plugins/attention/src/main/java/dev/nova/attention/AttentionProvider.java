package dev.nova.attention;

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
import dev.nova.attention.internal.Attention;
import dev.nova.attention.internal.AttentionComponent;
import dev.nova.attention.internal.AttentionModel;
import dev.nova.attention.internal.Settings;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.PluginConfig;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code attention} plugin: a decoder-only character transformer. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class AttentionProvider implements GeneratorProvider {

    private static final PluginInfo INFO = new PluginInfo(Attention.ID, Attention.VERSION, Modality.TEXT,
            VersionRange.parse("[1.0,2.0)"), "Character-level causal transformer with KV-cache sampling");

    /** Reads reference.conf on first use: {@link #info()} stays free of I/O. */
    private static final PluginConfig CONFIG = PluginConfig.of(AttentionProvider.class, Attention.ID);

    /** Creates the provider; cheap. */
    public AttentionProvider() {
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
        return new TextSource(Attention.ID, s.dataPath(), context, AttentionProvider.class.getModule(), s.holdout(),
                s.context() + 1);
    }

    @Override
    public GenerativeModel create(Config given, ModelContext context) {
        Settings s = CONFIG.read(given, Settings::of);
        TextSource text = text(s, context);
        return AttentionComponent.factory().create(s, context, text.readWithVocabulary(), text).model();
    }

    @Override
    public GenerativeModel restore(Config given, ModelContext context, InputStream payload) {
        Settings s = CONFIG.read(given, Settings::of);
        return Payload.read(Attention.ID, payload, AttentionModel.PAYLOAD_MAGIC, new int[] {AttentionModel.PAYLOAD_FORMAT},
                (format, in) -> {
                    String saved = in.readUTF();
                    if (!saved.equals(s.architecture())) {
                        throw new CheckpointException(Attention.ID, "checkpoint holds a model with " + saved
                                + "; the configuration asks for " + s.architecture());
                    }
                    Vocabulary vocabulary = Vocabulary.read(Attention.ID, in);
                    AttentionModel model = AttentionComponent.factory().create(s, context, vocabulary, text(s, context))
                            .model();
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
                    model { layers = 1, heads = 2, d-model = 16, context = 16 }
                    train { batch = 4, learning-rate = 0.01 }
                    eval { windows = 16, batch = 16 }
                    generate.length = 16
                    """.formatted(corpus.toString().replace("\\", "\\\\"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
