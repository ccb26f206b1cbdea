package dev.nova.host.internal.discovery;

import dev.nova.api.GeneratorProvider;
import dev.nova.api.PluginInfo;
import java.util.Optional;

/**
 * One plugin the host found, loaded or not.
 *
 * @param info its metadata, when it could be read
 * @param provider the provider, present only when the plugin loaded
 * @param moduleName the module it came from ({@code ?} when unknown)
 * @param location the jar or folder it came from
 * @param problem why it was refused, empty when loaded
 */
public record PluginEntry(Optional<PluginInfo> info, Optional<GeneratorProvider> provider, String moduleName,
                          String location, Optional<String> problem) {

    static PluginEntry loaded(PluginInfo info, GeneratorProvider provider, String module, String location) {
        return new PluginEntry(Optional.of(info), Optional.of(provider), module, location, Optional.empty());
    }

    static PluginEntry failed(Optional<PluginInfo> info, String module, String location, String problem) {
        return new PluginEntry(info, Optional.empty(), module, location, Optional.of(problem));
    }

    /** Whether the plugin loaded and can be used. */
    public boolean isLoaded() {
        return problem.isEmpty();
    }

    /** The plugin id, or the module name when the metadata could not be read. */
    public String displayId() {
        return info.map(PluginInfo::id).orElse("?");
    }

    PluginEntry refuse(String why) {
        return failed(info, moduleName, location, why);
    }
}
