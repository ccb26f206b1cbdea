#if( $modality == "image" )
/** The ${pluginId} plugin for Nova. */
module ${package} {
    requires dev.nova.api;
    // PNG and JPEG images are read with javax.imageio.
    requires java.desktop;
    provides dev.nova.api.GeneratorProvider with ${package}.PluginProvider;
}
#else
/** The ${pluginId} plugin for Nova. */
module ${package} {
    requires dev.nova.api;
    provides dev.nova.api.GeneratorProvider with ${package}.PluginProvider;
}
#end
