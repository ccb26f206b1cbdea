package dev.nova.tck.selftest;

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
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small, real generator for the kit's self-tests: a unigram text model or a per-pixel Bernoulli image model,
 * both trained by gradient descent, with one optional {@link Flaw}.
 */
class FixtureProvider implements GeneratorProvider {

    private final Modality modality;
    private final Flaw flaw;

    FixtureProvider(Modality modality, Flaw flaw) {
        this.modality = modality;
        this.flaw = flaw;
    }

    String id() {
        return modality == Modality.TEXT ? "fixture-text" : "fixture-image";
    }

    @Override
    public PluginInfo info() {
        return new PluginInfo(id(), "0.1.0", modality, VersionRange.parse("[1.0,2.0)"), "TCK self-test fixture (" + flaw + ")");
    }

    Config reference() {
        try (InputStream in = getClass().getModule().getResourceAsStream("reference.conf")) {
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getConfig("plugins." + id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (flaw != Flaw.ACCEPTS_UNKNOWN_KEYS) {
            problems.addAll(ConfigProblem.unknownKeys(config, reference()));
        }
        if (config.hasPath("learning-rate") && config.getDouble("learning-rate") <= 0) {
            problems.add(new ConfigProblem("learning-rate", "must be > 0, found " + config.getDouble("learning-rate")));
        }
        return problems;
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("batch = 16"));
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        if (flaw == Flaw.WRITES_OUTSIDE_WORK_DIRECTORY) {
            try {
                Files.writeString(context.workDirectory().resolveSibling("fixture-cache.bin"), "cache");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long seed = flaw == Flaw.TRAINS_NONDETERMINISTICALLY ? System.nanoTime() : context.seed();
        return new FixtureModel(id(), modality, flaw, config, seed);
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        try {
            return FixtureModel.read(id(), modality, flaw, config, new DataInputStream(payload));
        } catch (IOException e) {
            throw new CheckpointException(id(), "payload is truncated or unreadable (" + e + ")", e);
        }
    }
}
