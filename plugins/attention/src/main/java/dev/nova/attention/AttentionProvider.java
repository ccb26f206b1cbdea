package dev.nova.attention;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.attention.internal.Attention;
import dev.nova.attention.internal.AttentionModel;
import dev.nova.attention.internal.Settings;
import dev.nova.kit.optim.FineTune;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.TextDataSettings;
import dev.nova.kit.text.Tokenizer;
import dev.nova.kit.text.Vocabulary;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code attention} plugin: a decoder-only character transformer. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class AttentionProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public AttentionProvider() {
        super(new PluginInfo(Attention.ID, Attention.VERSION, Modality.TEXT, VersionRange.parse("[1.2,2.0)"),
                "Character-level causal transformer with KV-cache sampling"), Settings::read);
    }

    private static TextSource text(Settings s, ModelContext context) {
        return s.data().source(Attention.ID, context, AttentionProvider.class.getModule(), s.context() + 1);
    }

    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        TextSource text = text(s, context);
        return new AttentionModel(s, context, text.readWithTokenizer(), text);
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TrainingCore.restore(Attention.ID, payload, AttentionModel.PAYLOAD_MAGIC, AttentionModel.PAYLOAD_FORMATS,
                (format, in) -> {
                    Payload.expectModel(Attention.ID, in, s.architecture());
                    return new AttentionModel(s, context, format >= AttentionModel.SUBWORD_PAYLOAD_FORMAT
                            ? Tokenizer.load(Attention.ID, in) : Vocabulary.read(Attention.ID, in), text(s, context));
                });
    }

    /** The settings that shape the parameters: a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return Stream.concat(Stream.of("model.layers", "model.heads", "model.d-model", "model.context",
                "model.tie-weights"), TextDataSettings.TOKENIZER_SETTINGS.stream()).toList();
    }

    /** The parent's parameters and tokenizer (a character vocabulary grown by the new corpus's characters). */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        return FineTune.start(request, in -> (AttentionModel) restoreModel(s, context, in), parent -> {
            TextSource text = text(s, context);
            return FineTune.text(parent.vocabulary(), text, v -> new AttentionModel(s, context, v, text));
        });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> ConformanceProfile.of(c)
                .withVocabulary(TextSource.TINY_CORPUS)
                .withInvalidSetting("model.heads", 0)
                .withIncompatibleSetting("model.d-model", 32)
                .withOptimizerSettings(dev.nova.kit.optim.TrainSettings.engagedForConformance())
                .withDataSetting("data.path"));
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = %s, holdout = 0.2 }
                model { layers = 1, heads = 2, d-model = 16, context = 16 }
                train { batch = 4, learning-rate = 0.01 }
                eval { windows = 16, batch = 16 }
                generate.length = 16
                """.formatted(TextSource.tinyCorpus(scratch))));
    }
}
