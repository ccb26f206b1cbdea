package dev.nova.host.internal.plan;

import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the plugins of a command: the host's layer and a plugin folder ({@link PluginDiscovery} in production). */
@FunctionalInterface
public interface PluginFinder {

    /**
     * Discovers plugins.
     *
     * @param pluginPath a folder of plugin jars, if any
     * @return every plugin found, loaded or refused
     */
    PluginCatalog discover(Optional<Path> pluginPath);

    /**
     * The host's own discovery.
     *
     * @return the finder
     */
    static PluginFinder modules() {
        return pluginPath -> new PluginDiscovery().discover(pluginPath);
    }
}
