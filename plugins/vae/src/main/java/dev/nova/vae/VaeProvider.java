package dev.nova.vae;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.vae.internal.Settings;
import dev.nova.vae.internal.Vae;
import dev.nova.vae.internal.VaeComponent;
import dev.nova.vae.internal.VaeModel;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code vae} plugin: a variational autoencoder for grey-scale images. Constructing it and asking for
 * {@link #info()} touches neither ND4J nor files.
 */
public final class VaeProvider implements GeneratorProvider {

    private static final PluginInfo INFO = new PluginInfo(Vae.ID, Vae.VERSION, Modality.IMAGE,
            VersionRange.parse("[1.0,2.0)"), "Variational autoencoder for grey-scale images (MLP encoder and decoder)");

    /** Creates the provider; cheap. */
    public VaeProvider() {
    }

    @Override
    public PluginInfo info() {
        return INFO;
    }

    private static Config reference() {
        try (InputStream in = VaeProvider.class.getModule().getResourceAsStream("reference.conf")) {
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription("vae reference.conf")).getConfig("plugins." + Vae.ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(config, reference()));
        try {
            problems.addAll(Settings.problems(config.withFallback(reference())));
        } catch (ConfigException e) {
            // A wrongly typed value (the host reports these itself, with origins, before calling validate).
            problems.add(new ConfigProblem("?", e.getMessage()));
        }
        return problems;
    }

    private static Settings settings(Config config) {
        try {
            return Settings.of(Vae.ID, config.withFallback(reference()));
        } catch (ConfigException e) {
            throw new PluginException(Vae.ID, "invalid configuration: " + e.getMessage(), e);
        }
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        VaeModel model = VaeComponent.factory().create(settings(config), context).model();
        // Read the data now, so that a bad data path fails the run before training starts.
        model.loadData();
        return model;
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        Settings s = settings(config);
        DataInputStream in = new DataInputStream(payload);
        try {
            if (in.readLong() != VaeModel.PAYLOAD_MAGIC) {
                throw new CheckpointException(Vae.ID, "payload is not a vae checkpoint (wrong magic number)");
            }
            int format = in.readInt();
            if (format != VaeModel.PAYLOAD_FORMAT) {
                throw new CheckpointException(Vae.ID, "payload format " + format + " is not supported; this plugin reads"
                        + " format " + VaeModel.PAYLOAD_FORMAT);
            }
            String saved = in.readUTF();
            String configured = VaeModel.architecture(s);
            if (!saved.equals(configured)) {
                throw new CheckpointException(Vae.ID, "checkpoint holds a model with " + saved + "; the configuration asks"
                        + " for " + configured);
            }
            VaeModel model = VaeComponent.factory().create(s, context).model();
            model.restoreFrom(in);
            return model;
        } catch (EOFException e) {
            throw new CheckpointException(Vae.ID, "payload is truncated", e);
        } catch (UTFDataFormatException e) {
            throw new CheckpointException(Vae.ID, "payload is corrupt (bad architecture record)", e);
        } catch (IOException e) {
            throw new CheckpointException(Vae.ID, "payload is unreadable: " + e.getMessage(), e);
        }
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
