/** The ${pluginId} plugin for Nova. */
module ${package} {
    requires dev.nova.api;
    provides dev.nova.api.GeneratorProvider with ${package}.PluginProvider;
}
