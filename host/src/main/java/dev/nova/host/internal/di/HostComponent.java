package dev.nova.host.internal.di;

import com.typesafe.config.Config;
import dagger.BindsInstance;
import dagger.Component;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.run.Runs;
import dev.nova.host.internal.run.Terminal;
import jakarta.inject.Singleton;

/**
 * The host's object graph, built once per command from what is only known at run time: the discovered
 * plugins, the effective configuration and the terminal.
 */
@Singleton
@Component
public interface HostComponent {

    /** The run verbs. */
    Runs runs();

    /** The discovered plugins. */
    PluginCatalog catalog();

    /** The effective, validated configuration. */
    Config config();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph.
         *
         * @param catalog the discovered plugins, as one bound value (Dagger would drop duplicates from a set)
         * @param config the effective configuration
         * @param terminal where to write
         * @return the component
         */
        HostComponent create(@BindsInstance PluginCatalog catalog, @BindsInstance Config config,
                             @BindsInstance Terminal terminal);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerHostComponent.factory();
    }
}
