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
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextModel;
import dev.nova.kit.text.TextSource;
import dev.nova.textgru.internal.Settings;
import dev.nova.textgru.internal.TextGru;
import dev.nova.textgru.internal.TextGruModel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /** The settings that shape the parameters and the tokens: a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return TextModel.architectureSettings("model.embedding", "model.layers", "model.hidden");
    }

    /** The parent's parameters and tokenizer (a character vocabulary grown by the new corpus's characters). */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        TextSource text = text(s, context);
        return TextModel.fineTune(request, in -> (TextGruModel) restoreModel(s, context, in), text,
                t -> new TextGruModel(s, context, t, text));
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        // Formats 1 to 3 describe the model by three numbers (the later plugins write a line of text).
        return TextModel.restore(TextGru.ID, payload, TextGruModel.PAYLOAD_MAGIC, in -> {
            TokenGru.Shape saved = TokenGru.Shape.read(in);
            TokenGru.Shape asked = new TokenGru.Shape(s.embedding(), s.layers(), s.hidden());
            if (!saved.equals(asked)) {
                throw new CheckpointException(TextGru.ID, "checkpoint holds a model with " + saved
                        + "; the configuration asks for " + asked);
            }
        }, t -> new TextGruModel(s, context, t, text(s, context)));
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> TextModel.conformanceProfile(c)
                .withInvalidSetting("model.hidden", -1).withIncompatibleSetting("model.hidden", 16));
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
