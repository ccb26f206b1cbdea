package dev.nova.vae;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.kit.nn.Growth;
import dev.nova.kit.optim.FineTune;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import dev.nova.vae.internal.Settings;
import dev.nova.vae.internal.Vae;
import dev.nova.vae.internal.VaeModel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code vae} plugin: a variational autoencoder for grey-scale images. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class VaeProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public VaeProvider() {
        super(new PluginInfo(Vae.ID, Vae.VERSION, Modality.IMAGE, VersionRange.parse("[1.2,2.0)"),
                "Variational autoencoder for grey-scale images (MLP encoder and decoder)"), Settings::read);
    }

    @Override
    protected String dataAdvice() {
        return dev.nova.kit.image.ImageData.INSTALL_ADVICE;
    }

    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        VaeModel model = new VaeModel(s, context);
        // Read the data now, so that a bad data path fails the run before training starts.
        model.loadData();
        return model;
    }

    /** The settings that shape the parameters (and what they mean): a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return List.of("data.image-size", "model.encoder", "model.decoder", "model.latent", "model.activation",
                "model.likelihood");
    }

    /** The parent's parameters, trained on the new images from there. */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        return FineTune.start(request, in -> (VaeModel) restoreModel(s, context, in),
                parent -> new FineTune.Child<>((VaeModel) newModel(s, context), Growth.none(0), ""));
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TrainingCore.restore(Vae.ID, payload, VaeModel.PAYLOAD_MAGIC, VaeModel.PAYLOAD_FORMATS, (format, in) -> {
            Payload.expectModel(Vae.ID, in, VaeModel.architecture(s));
            return new VaeModel(s, context);
        });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> ConformanceProfile.of(c)
                .withInvalidSetting("model.latent", 0)
                .withInvalidGenerationOption("temperature", -1.0)
                .withGenerationOption("temperature", 0.5, 2.0)
                .withGenerationOption("mode", "reconstruct")
                .withIncompatibleSetting("model.latent", 3)
                .withDataSetting("data.path")
                .withOptimizerSettings(dev.nova.kit.optim.TrainSettings.engagedForConformance()));
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 12, holdout = 0.2, limit = 400 }
                model { encoder = [32], latent = 4 }
                train { batch = 32, learning-rate = 3e-3 }
                eval { images = 200 }
                """));
    }
}
