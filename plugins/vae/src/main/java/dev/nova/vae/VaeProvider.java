package dev.nova.vae;

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
import dev.nova.vae.internal.Settings;
import dev.nova.vae.internal.Vae;
import dev.nova.vae.internal.VaeComponent;
import dev.nova.vae.internal.VaeModel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code vae} plugin: a variational autoencoder for grey-scale images. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class VaeProvider implements GeneratorProvider {

    private static final PluginInfo INFO = new PluginInfo(Vae.ID, Vae.VERSION, Modality.IMAGE,
            VersionRange.parse("[1.0,2.0)"), "Variational autoencoder for grey-scale images (MLP encoder and decoder)");

    /** Reads reference.conf on first use: {@link #info()} stays free of I/O. */
    private static final PluginConfig CONFIG = PluginConfig.of(VaeProvider.class, Vae.ID);

    /** Creates the provider; cheap. */
    public VaeProvider() {
    }

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public List<ConfigProblem> validate(Config given) {
        return CONFIG.validate(given, Settings::problems);
    }

    @Override
    public GenerativeModel create(Config given, ModelContext context) {
        VaeModel model = VaeComponent.factory().create(CONFIG.read(given, Settings::of), context).model();
        // Read the data now, so that a bad data path fails the run before training starts.
        model.loadData();
        return model;
    }

    @Override
    public GenerativeModel restore(Config given, ModelContext context, InputStream payload) {
        Settings s = CONFIG.read(given, Settings::of);
        return Payload.read(Vae.ID, payload, VaeModel.PAYLOAD_MAGIC, new int[] {VaeModel.PAYLOAD_FORMAT}, (format, in) -> {
            String saved = in.readUTF();
            String configured = VaeModel.architecture(s);
            if (!saved.equals(configured)) {
                throw new CheckpointException(Vae.ID, "checkpoint holds a model with " + saved + "; the configuration asks"
                        + " for " + configured);
            }
            VaeModel model = VaeComponent.factory().create(s, context).model();
            model.restoreFrom(in);
            return model;
        });
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
