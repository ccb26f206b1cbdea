package dev.nova.textgru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.kit.nn.TokenGru;
import dev.nova.kit.optim.FineTune;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.TextDataSettings;
import dev.nova.kit.text.Tokenizer;
import dev.nova.kit.text.Vocabulary;
import dev.nova.textgru.internal.Settings;
import dev.nova.textgru.internal.TextGru;
import dev.nova.textgru.internal.TextGruModel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code text-gru} plugin: a character-level GRU language model. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class TextGruProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public TextGruProvider() {
        super(new PluginInfo(TextGru.ID, TextGru.VERSION, Modality.TEXT, VersionRange.parse("[1.2,2.0)"),
                "Character-level GRU language model"), Settings::read);
    }

    private static TextSource text(Settings s, ModelContext context) {
        return s.data().source(TextGru.ID, context, TextGruProvider.class.getModule(), s.sequenceLength() + 1);
    }

    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        TextSource text = text(s, context);
        return new TextGruModel(s, context, text.readWithTokenizer(), text);
    }

    /** The settings that shape the parameters: a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return Stream.concat(Stream.of("model.embedding", "model.layers", "model.hidden"),
                TextDataSettings.TOKENIZER_SETTINGS.stream()).toList();
    }

    /** The parent's parameters and tokenizer (a character vocabulary grown by the new corpus's characters). */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        return FineTune.start(request, in -> (TextGruModel) restoreModel(s, context, in), parent -> {
            TextSource text = text(s, context);
            return FineTune.text(parent.vocabulary(), text, v -> new TextGruModel(s, context, v, text));
        });
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TrainingCore.restore(TextGru.ID, payload, TextGruModel.PAYLOAD_MAGIC, TextGruModel.PAYLOAD_FORMATS,
                (format, in) -> {
                    // Formats 1 and 2 describe the model by three numbers (the later plugins write a line of text).
                    TokenGru.Shape saved = TokenGru.Shape.read(in);
                    TokenGru.Shape asked = new TokenGru.Shape(s.embedding(), s.layers(), s.hidden());
                    if (!saved.equals(asked)) {
                        throw new CheckpointException(TextGru.ID, "checkpoint holds a model with " + saved
                                + "; the configuration asks for " + asked);
                    }
                    return new TextGruModel(s, context, format >= TextGruModel.SUBWORD_PAYLOAD_FORMAT
                            ? Tokenizer.load(TextGru.ID, in) : Vocabulary.read(TextGru.ID, in), text(s, context));
                });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> ConformanceProfile.of(c)
                .withVocabulary(TextSource.TINY_CORPUS)
                .withInvalidSetting("model.hidden", -1)
                .withIncompatibleSetting("model.hidden", 16)
                .withOptimizerSettings(dev.nova.kit.optim.TrainSettings.engagedForConformance())
                .withDataSetting("data.path"));
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = %s, holdout = 0.2 }
                model { embedding = 8, hidden = 32 }
                train { sequence-length = 16, batch = 8, learning-rate = 0.01 }
                eval.batches = 2
                generate.length = 16
                """.formatted(TextSource.tinyCorpus(scratch))));
    }
}
