package dev.nova.host.internal.di;

import dagger.BindsInstance;
import dagger.Component;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.support.Terminal;
import jakarta.inject.Singleton;

/**
 * The part of the host's graph that opens a checkpoint's model, and nothing else: what the embedding API
 * ({@code dev.nova.host.embed}) builds. The same edges as {@link HostComponent}'s ({@link HostModule}), without the
 * commands.
 */
@Singleton
@Component(modules = HostModule.class)
public interface ModelComponent {

    /**
     * Opens the checkpoint the invocation names.
     *
     * @return the loader
     */
    ModelLoader modelLoader();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph.
         *
         * @param invocation the checkpoint or run, and the plugin folder
         * @param terminal where warnings go
         * @param source where configuration files are parsed
         * @param finder how plugins are found
         * @return the component
         */
        ModelComponent create(@BindsInstance Invocation invocation, @BindsInstance Terminal terminal,
                              @BindsInstance ConfigSource source, @BindsInstance PluginFinder finder);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerModelComponent.factory();
    }
}
