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
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.kit.text.TextModel;
import dev.nova.kit.text.TextSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
        return TextModel.restore(Attention.ID, payload, AttentionModel.PAYLOAD_MAGIC,
                in -> Payload.expectModel(Attention.ID, in, s.architecture()),
                t -> new AttentionModel(s, context, t, text(s, context)));
    }

    /** The settings that shape the parameters and the tokens: a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return TextModel.architectureSettings("model.layers", "model.heads", "model.d-model", "model.context",
                "model.tie-weights");
    }

    /** The parent's parameters and tokenizer (a character vocabulary grown by the new corpus's characters). */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        TextSource text = text(s, context);
        return TextModel.fineTune(request, in -> (AttentionModel) restoreModel(s, context, in), text,
                t -> new AttentionModel(s, context, t, text));
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> TextModel.conformanceProfile(c)
                .withInvalidSetting("model.heads", 0).withIncompatibleSetting("model.d-model", 32));
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
