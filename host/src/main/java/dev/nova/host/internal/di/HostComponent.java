package dev.nova.host.internal.di;

import dagger.BindsInstance;
import dagger.Component;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.plan.Planner;
import dev.nova.host.internal.run.ClusterEngine;
import dev.nova.host.internal.run.Evaluator;
import dev.nova.host.internal.run.ParameterListing;
import dev.nova.host.internal.run.Sampler;
import dev.nova.host.internal.run.TrainingRun;
import dev.nova.host.internal.support.Terminal;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The host's object graph for one command: from what the command asked for, the configuration layers and the
 * checkpoint it reads, to the plugins found, the plan, and the part that executes it. Dagger builds each node on
 * first use, once: {@code nova plugins} discovers and stops, {@code nova generate} never parses a run file.
 */
@Singleton
@Component(modules = HostModule.class)
public interface HostComponent {

    /** The plugins found. */
    PluginCatalog catalog();

    /** Plans the command. */
    Planner planner();

    /** Trains or resumes (the plan's run). */
    TrainingRun training();

    /** Generates from the plan's checkpoint. */
    Sampler sampler();

    /** Evaluates the plan's checkpoint. */
    Evaluator evaluator();

    /**
     * Lists a checkpoint's parameters ({@code nova inspect --parameters}).
     *
     * @return the listing
     */
    ParameterListing parameterListing();

    /**
     * Opens the plan's checkpoint ({@code nova serve}).
     *
     * @return the loader
     */
    ModelLoader modelLoader();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph of one command.
         *
         * @param invocation what the command asked for
         * @param terminal where to write
         * @param source where configuration files are parsed
         * @param finder how plugins are found
         * @param engine a cluster launcher's engine, when the host runs inside one
         * @return the component
         */
        HostComponent create(@BindsInstance Invocation invocation, @BindsInstance Terminal terminal,
                             @BindsInstance ConfigSource source, @BindsInstance PluginFinder finder,
                             @BindsInstance Optional<ClusterEngine> engine);
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
