package com.example.markov;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.kit.support.Checks;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextGeneration;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code markov} plugin. The kit's {@link SettingsProvider} answers {@code info()}, checks the configuration
 * against {@code reference.conf} (unknown keys, types, the ranges in {@link #problems}, that data files exist) and
 * hands over the settings; this class builds and restores models.
 */
public final class MarkovProvider extends SettingsProvider<Config> {

    static final String ID = "markov";

    /** Constructing the provider is cheap: no I/O, no native code. */
    public MarkovProvider() {
        super(new PluginInfo(ID, "1.0.0", Modality.TEXT, VersionRange.parse("[1.1,2.0)"),
                "Order-k character Markov model with Witten-Bell interpolation"), MarkovProvider::problems, c -> c);
    }

    private static List<ConfigProblem> problems(Config c) {
        return new Checks(c)
                .nonBlank("data.path", "a UTF-8 text file or folder, or builtin:kjv-genesis")
                .range("data.holdout", 0.0, 0.5, false)
                .intRange("order", 1, 8)
                .intRange("train.batch", 1, 10_000_000)
                .intRange("generate.length", 0, 10_000_000)
                .positive("generate.temperature")
                .intRange("generate.top-k", 0, Integer.MAX_VALUE)
                .above("generate.top-p", 0.0, 1.0)
                .problems();
    }

    private static TextSource text(Config c, ModelContext context) {
        return new TextSource(ID, c.getString("data.path"), context, MarkovProvider.class.getModule(),
                c.getDouble("data.holdout"), 2);
    }

    private static TextGeneration generation(Config c) {
        return new TextGeneration(c.getInt("generate.length"), c.getDouble("generate.temperature"),
                c.getInt("generate.top-k"), c.getDouble("generate.top-p"));
    }

    @Override
    protected GenerativeModel newModel(Config c, ModelContext context) {
        TextSource text = text(c, context);
        Vocabulary vocabulary = text.readWithVocabulary();
        return new MarkovModel(vocabulary, text, c.getInt("order"), c.getInt("train.batch"), generation(c));
    }

    @Override
    protected GenerativeModel restoreModel(Config c, ModelContext context, InputStream payload) {
        return Payload.read(ID, payload, MarkovModel.MAGIC, new int[] {MarkovModel.FORMAT}, (format, in) -> {
            Payload.expectModel(ID, in, "order " + c.getInt("order"));
            Vocabulary vocabulary = Vocabulary.read(ID, in);
            // The text is read again only if the restored model trains or evaluates; sampling needs none.
            MarkovModel model = new MarkovModel(vocabulary, text(c, context), c.getInt("order"), c.getInt("train.batch"),
                    generation(c));
            model.read(in);
            return model;
        });
    }

    /**
     * What the compatibility kit needs: a tiny corpus and small steps (its checks run in seconds), the characters
     * a model trained on it can produce, a setting value validate() must refuse, and one under which a checkpoint
     * must not load. `nova tck` and the build's MarkovTckTests read the same profile.
     */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return Optional.of(ConformanceProfile.of(ConfigFactory.parseString("data.path = " + TextSource.tinyCorpus(scratch)
                        + ", order = 3, train.batch = 16, generate.length = 40"))
                .withVocabulary(TextSource.TINY_CORPUS)
                .withInvalidSetting("order", 0)
                .withIncompatibleSetting("order", 2));
    }
}
