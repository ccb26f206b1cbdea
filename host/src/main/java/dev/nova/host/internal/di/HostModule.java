package dev.nova.host.internal.di;

import dagger.Provides;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.plan.Planner;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The edges of the host's graph: invocation → configuration layers and checkpoint → plugins → plan. */
@dagger.Module
final class HostModule {

    private HostModule() {
    }

    @Provides
    @Singleton
    static ConfigLoader loader(ConfigSource source) {
        return new ConfigLoader(source);
    }

    @Provides
    @Singleton
    static Planner.UserLayers userLayers(Invocation invocation, ConfigLoader loader) {
        return Planner.userLayers(invocation, loader);
    }

    @Provides
    @Singleton
    static Optional<Checkpoint> checkpoint(Invocation invocation) {
        return Planner.checkpoint(invocation);
    }

    @Provides
    @Singleton
    static PluginCatalog catalog(Invocation invocation, Planner.UserLayers user, Optional<Checkpoint> checkpoint,
                                 PluginFinder finder) {
        return finder.discover(Planner.pluginPath(invocation, user, checkpoint));
    }

    @Provides
    @Singleton
    static RunPlan plan(Planner planner) {
        return planner.plan();
    }
}
