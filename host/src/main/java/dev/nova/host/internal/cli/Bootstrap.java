package dev.nova.host.internal.cli;

import com.typesafe.config.Config;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.run.Terminal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Discovers plugins and loads configuration for a command, then builds the Dagger graph. */
final class Bootstrap {

    private Bootstrap() {
    }

    /**
     * Discovers plugins: boot module path plus {@code --plugin-path} (or {@code nova.plugin-path} from the run
     * file and overrides).
     */
    static PluginCatalog discover(Optional<Path> pluginPathOption, Optional<Path> runFile, List<String> overrides) {
        Optional<Path> pluginPath = pluginPathOption;
        if (pluginPath.isEmpty()) {
            Config user = ConfigLoader.userLayers(runFile, overrides);
            if (user.hasPath("nova.plugin-path")) {
                String configured = user.getString("nova.plugin-path");
                Path base = runFile.map(f -> f.toAbsolutePath().getParent()).orElse(Path.of(""));
                pluginPath = Optional.of(base.resolve(configured));
            }
        }
        if (pluginPath.isEmpty() && System.getenv("NOVA_PLUGIN_PATH") != null) {
            pluginPath = Optional.of(Path.of(System.getenv("NOVA_PLUGIN_PATH")));
        }
        return new PluginDiscovery().discover(pluginPath);
    }

    /**
     * The component for a command that reads a checkpoint (resume, generate, evaluate): without {@code --plugin-path}
     * or {@code $NOVA_PLUGIN_PATH}, the plugin folder the run was trained with (recorded in the checkpoint) is used.
     */
    static HostComponent forCheckpoint(Path checkpoint, Optional<Path> pluginPath, Terminal terminal) {
        Optional<Path> path = pluginPath;
        if (path.isEmpty() && System.getenv("NOVA_PLUGIN_PATH") == null) {
            // The manifest alone (the command then reads and verifies the whole checkpoint once).
            String recorded = dev.nova.host.internal.run.Checkpoint.manifestOf(checkpoint)
                    .map(m -> m.getProperty("plugin-path")).orElse(null);
            if (recorded != null && java.nio.file.Files.isDirectory(Path.of(recorded))) {
                path = Optional.of(Path.of(recorded));
            }
        }
        return component(path, Optional.empty(), List.of(), terminal);
    }

    static HostComponent component(Optional<Path> pluginPath, Optional<Path> runFile, List<String> overrides,
                                   Terminal terminal) {
        PluginCatalog catalog = discover(pluginPath, runFile, overrides);
        Config config = ConfigLoader.load(catalog, runFile, overrides);
        return HostComponent.factory().create(catalog, config, terminal);
    }
}
