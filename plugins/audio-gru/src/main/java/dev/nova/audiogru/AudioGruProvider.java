package dev.nova.audiogru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.audiogru.internal.AudioGru;
import dev.nova.audiogru.internal.AudioGruModel;
import dev.nova.audiogru.internal.Settings;
import dev.nova.kit.nn.TokenGru;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.api.PluginException;
import dev.nova.kit.audio.AudioSource;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code audio-gru} plugin: a sample-level GRU over μ-law levels that writes audio. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class AudioGruProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public AudioGruProvider() {
        super(new PluginInfo(AudioGru.ID, AudioGru.VERSION, Modality.AUDIO, VersionRange.parse("[1.4,2.0)"),
                "Sample-level GRU audio generator over 8-bit mu-law levels"), Settings::read);
    }

    private static AudioGruModel model(Settings s, ModelContext context, List<String> classes) {
        return new AudioGruModel(s, context, () -> s.data().read(AudioGru.ID, context), classes);
    }

    /** A new model; conditioned, on the classes of its data, which it reads now (it needs their number). */
    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        if (!s.conditioned()) {
            return model(s, context, List.of());
        }
        AudioSource.AudioSet set = s.data().read(AudioGru.ID, context);
        if (set.classes().size() < 2) {
            throw new PluginException(AudioGru.ID, "model.conditioning = class needs data.path " + s.data().path()
                    + " to hold its files in at least two class folders (a speaker's, say); it has "
                    + (set.classes().isEmpty() ? "none" : "only " + set.classes()));
        }
        return new AudioGruModel(s, context, () -> set, set.classes());
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TrainingCore.restore(AudioGru.ID, payload, AudioGruModel.PAYLOAD_MAGIC, AudioGruModel.PAYLOAD_FORMATS,
                (format, in) -> {
                    TokenGru.Shape saved = TokenGru.Shape.read(in);
                    int rate = in.readInt();
                    List<String> classes = new ArrayList<>();
                    if (format >= 2) {
                        for (int k = in.readInt(); k > 0; k--) {
                            classes.add(in.readUTF());
                        }
                    }
                    if (classes.isEmpty() == s.conditioned()) {
                        throw new CheckpointException(AudioGru.ID, "checkpoint holds a model "
                                + (classes.isEmpty() ? "without classes" : "conditioned on classes " + classes)
                                + "; the configuration asks for model.conditioning = " + (s.conditioned() ? "class" : "none"));
                    }
                    TokenGru.Shape asked = new TokenGru.Shape(s.embedding(), s.layers(), s.hidden());
                    if (!saved.equals(asked) || rate != s.data().sampleRate()) {
                        throw new CheckpointException(AudioGru.ID, "checkpoint holds a model with " + saved + " at "
                                + rate + " Hz; the configuration asks for " + asked + " at " + s.data().sampleRate()
                                + " Hz");
                    }
                    return model(s, context, classes);
                });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> ConformanceProfile.of(c)
                .withInvalidSetting("model.hidden", -1)
                .withInvalidGenerationOption(GenerationRequest.TEMPERATURE, -1.0)
                .withGenerationOption(GenerationRequest.TEMPERATURE, 0.5, 2.0)
                .withGenerationOption(GenerationRequest.TOP_K, 1, 4)
                .withIncompatibleSetting("model.hidden", 16)
                .withOptimizerSettings(dev.nova.kit.optim.TrainSettings.engagedForConformance()));
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = "builtin:tones", sample-rate = 1000, holdout = 0.25 }
                model { embedding = 8, hidden = 24 }
                train { sequence-length = 32, state-warmup = 16, batch = 8, learning-rate = 0.01 }
                eval { batches = 2, state-warmup = 16 }
                generate.seconds = 0.05
                """));
    }
}
