package dev.nova.host.internal.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.PluginInfo;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.support.Sha256;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Plans a command once: from what it asked for ({@link Invocation}), the user's configuration layers (parsed
 * once), the checkpoint it starts from (read and verified once) and the plugins found, it decides the plugin, the
 * validated configuration (validated once), the host's settings and the base directory: a {@link RunPlan} that the
 * parts executing the command are given.
 */
public final class Planner {

    private final Invocation invocation;
    private final ConfigLoader loader;
    private final UserLayers user;
    private final Optional<Checkpoint> checkpoint;
    private final PluginCatalog catalog;
    private final Terminal terminal;

    /**
     * Creates the planner of one command.
     *
     * @param invocation what the command asked for
     * @param loader layers and validates configuration
     * @param user the user's layers, parsed
     * @param checkpoint the checkpoint the command reads, verified
     * @param catalog the plugins found
     * @param terminal where warnings go
     */
    @Inject
    public Planner(Invocation invocation, ConfigLoader loader, UserLayers user, Optional<Checkpoint> checkpoint,
                   PluginCatalog catalog, Terminal terminal) {
        this.invocation = invocation;
        this.loader = loader;
        this.user = user;
        this.checkpoint = checkpoint;
        this.catalog = catalog;
        this.terminal = terminal;
    }

    /**
     * The user's configuration layers of a command that reads a run file and overrides; nothing is parsed for a
     * command that does not.
     *
     * @param invocation the command
     * @param loader the loader
     * @return the layers
     */
    public static UserLayers userLayers(Invocation invocation, ConfigLoader loader) {
        boolean configured = invocation.verb() == Invocation.Verb.TRAIN || invocation.verb() == Invocation.Verb.CONFIG;
        return new UserLayers(configured ? loader.userLayers(invocation.runFile(), invocation.overrides())
                : ConfigFactory.empty());
    }

    /**
     * The checkpoint a command starts from, read and verified once ({@code resume}, {@code generate},
     * {@code evaluate}).
     *
     * @param invocation the command
     * @return the checkpoint, or empty for a command that reads none
     */
    public static Optional<Checkpoint> checkpoint(Invocation invocation) {
        if (invocation.checkpoint().isEmpty()) {
            return Optional.empty();
        }
        Path path = invocation.checkpoint().get();
        if (invocation.verb() == Invocation.Verb.RESUME && !Files.isDirectory(path)) {
            throw new UsageException("run directory " + path + " does not exist");
        }
        // Every command that plans with a checkpoint restores its model (through ModelLoader, which reads the payload to
        // its end): a large payload is verified as it streams, once.
        return Optional.of(Checkpoint.readForRestore(path));
    }

    /**
     * Where a command's plugin folder is: {@code --plugin-path}; else {@code nova.plugin-path} of the run file
     * (relative to it); else, for a command that reads a checkpoint, the plugin folder the run was trained with
     * (while it exists); else {@code $NOVA_PLUGIN_PATH}.
     *
     * @param invocation the command
     * @param user the user's layers
     * @param checkpoint the checkpoint the command reads
     * @return the plugin folder, if any
     */
    public static Optional<Path> pluginPath(Invocation invocation, UserLayers user, Optional<Checkpoint> checkpoint) {
        if (invocation.pluginPath().isPresent()) {
            return invocation.pluginPath();
        }
        Config layers = user.config();
        if (layers.hasPath("nova.plugin-path")) {
            return Optional.of(base(invocation).resolve(layers.getString("nova.plugin-path")));
        }
        if (checkpoint.isPresent() && invocation.environmentPluginPath().isEmpty()) {
            Optional<Path> recorded = checkpoint.get().manifest().get("plugin-path").map(Path::of)
                    .filter(Files::isDirectory);
            if (recorded.isPresent()) {
                return recorded;
            }
        }
        return invocation.environmentPluginPath();
    }

    /**
     * The effective configuration that {@code nova config} shows, validated (no plugin is started).
     *
     * @return the configuration
     */
    public Config effective() {
        return loader.validate(loader.layer(catalog, user.config()), catalog, Optional.empty(), base(invocation));
    }

    /**
     * The plan of a command that runs a model.
     *
     * @return the plan
     * @throws UsageException, ConfigErrors when the command cannot run as asked, before anything is written
     */
    public RunPlan plan() {
        return switch (invocation.verb()) {
            case TRAIN -> train();
            case RESUME -> resume();
            case READ -> read();
            case LIST, CONFIG -> throw new IllegalStateException(invocation.verb() + " runs no model");
        };
    }

    private RunPlan train() {
        Path base = base(invocation);
        Optional<Checkpoint> parent = ConfigLoader.optionalString(user.config(), "nova.init-from")
                .map(p -> Checkpoint.readForRestore(base.resolve(p)));
        Config userConfig = parent.map(p -> FineTuningPlan.inherit(p, user.config(), invocation.plugin(), catalog))
                .orElse(user.config());
        ConfigLoader.Layered layered = loader.layer(catalog, userConfig);
        Optional<String> id = invocation.plugin().or(() -> ConfigLoader.optionalString(layered.effective(), "nova.plugin"));
        Config effective = loader.validate(layered, catalog, id, base);
        String pluginId = id.orElseThrow(() -> new UsageException("which plugin? give --plugin ID or set nova.plugin in"
                + " the run file; installed: " + String.join(", ", catalog.loaded().keySet())));
        catalog.require(pluginId);
        PluginEntry entry = catalog.find(pluginId).orElseThrow();
        Config nova = effective.withOnlyPath("nova");
        String p = "plugins." + pluginId;
        Config runConfig = effective.hasPath(p) ? nova.withFallback(effective.withOnlyPath(p)) : nova;
        return new RunPlan(entry, runConfig, HostSettings.of(effective), base, Optional.empty(), invocation.runDir(),
                invocation.shards(), parent);
    }

    private RunPlan resume() {
        Checkpoint ckpt = checkpoint.orElseThrow();
        PluginEntry entry = pluginOf(ckpt);
        Optional<Long> steps = invocation.steps();
        if (steps.isPresent() && steps.get() < 1) {
            throw new UsageException("--steps must be >= 1, found " + steps.get());
        }
        Config saved = ckpt.config();
        long total = steps.orElseGet(() -> saved.getLong("nova.train.steps"));
        if (total <= ckpt.step()) {
            throw new UsageException("run " + invocation.runDir().orElseThrow() + " is at step " + ckpt.step() + " of "
                    + total + "; nothing to resume. --steps is the new total number of steps: give more than " + ckpt.step());
        }
        Config config = steps.isPresent()
                ? ConfigFactory.parseMap(Map.of("nova.train.steps", steps.get()), "--steps").withFallback(saved)
                : saved;
        Path base = baseOf(ckpt);
        ConfigLoader.validateSaved(config, entry, base);
        return new RunPlan(entry, config, HostSettings.of(config), base, checkpoint, invocation.runDir(),
                invocation.shards(), Optional.empty());
    }

    private RunPlan read() {
        Checkpoint ckpt = checkpoint.orElseThrow();
        PluginEntry entry = pluginOf(ckpt);
        // A checkpoint's configuration holds every host setting; the defaults only stand in for one that does not.
        HostSettings host = HostSettings.of(ckpt.config().withFallback(loader.hostReference()));
        return new RunPlan(entry, ckpt.config(), host, baseOf(ckpt), checkpoint, Optional.empty(), 0, Optional.empty());
    }

    /** The installed plugin that wrote a checkpoint; a warning when its jar is not the one recorded. */
    private PluginEntry pluginOf(Checkpoint ckpt) {
        String id = ckpt.pluginId();
        var m = ckpt.manifest();
        if (id == null || catalog.find(id).isEmpty()) {
            String from = m.get("plugin-location").orElse(null);
            String dir = m.get("plugin-path").orElse(null);
            throw new UsageException("checkpoint " + ckpt.file() + " was written by plugin '" + id + "'"
                    + (from == null ? "" : " from " + from) + ", which is not installed"
                    + (dir != null && !Files.isDirectory(Path.of(dir))
                            ? " (its plugin folder " + dir + " no longer exists); give the folder that holds it with --plugin-path DIR"
                            : "; give the folder that holds it with --plugin-path DIR (see 'nova plugins')"));
        }
        PluginEntry entry = catalog.find(id).orElseThrow();
        Optional<String> recorded = m.get("plugin-sha256");
        if (recorded.isPresent() && Files.isRegularFile(Path.of(entry.location()))) {
            String now = Sha256.of(Path.of(entry.location()));
            if (!recorded.get().equals(now)) {
                terminal.err().println("nova: warning: plugin '" + id + "' (" + entry.location() + ", version "
                        + entry.info().map(PluginInfo::version).orElse("?") + ") is not the jar this checkpoint was written"
                        + " with (version " + m.get("plugin-version").orElse("?") + ", SHA-256 "
                        + recorded.get().substring(0, Math.min(12, recorded.get().length())) + "...)");
            }
        }
        return entry;
    }

    /** Where a new run's relative paths resolve: the run file's folder, or the working directory. */
    private static Path base(Invocation invocation) {
        return invocation.runFile().map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
    }

    /**
     * Where relative paths in a checkpoint's configuration resolve: the absolute base directory recorded at
     * training while it exists; else (a project moved or copied elsewhere with its runs) the base recorded relative
     * to the run folder, when that exists.
     */
    static Path baseOf(Checkpoint ckpt) {
        Path recorded = Path.of(ckpt.manifest().get("base-directory").orElse("."));
        String relative = ckpt.manifest().get("base-directory-from-run").orElse(null);
        Path folder = ckpt.file().toAbsolutePath().getParent();
        if (!Files.isDirectory(recorded) && relative != null && folder != null && folder.getFileName() != null
                && folder.getFileName().toString().equals("checkpoints") && folder.getParent() != null) {
            try {
                Path candidate = folder.getParent().resolve(relative).normalize();
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            } catch (InvalidPathException ignored) {
                // a hand-edited manifest: fall back to the absolute base
            }
        }
        return recorded;
    }

    /**
     * The user's configuration layers of one command: the run file and the overrides, parsed, unresolved.
     *
     * @param config the layers merged
     */
    public record UserLayers(Config config) {
    }
}
