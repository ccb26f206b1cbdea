package dev.nova.tck.internal;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The kit applied to a plugin that {@link Conformance} was handed at run time (by {@code nova tck}). Like a
 * plugin's own test class, it gives each rule a new provider instance: made by the plugin's service provider, found
 * again in the plugin's module layer, so that rules about constructing the provider (1.1, 1.6) see a construction.
 */
public final class DiscoveredPluginVerification extends GeneratorVerification {

    private static volatile GeneratorProvider target;

    public static void target(GeneratorProvider provider) {
        target = provider;
    }

    @Override
    protected GeneratorProvider provider() {
        GeneratorProvider t = Objects.requireNonNull(target, "no plugin under test");
        ModuleLayer layer = t.getClass().getModule().getLayer();
        if (layer != null) {
            for (ServiceLoader.Provider<GeneratorProvider> p : ServiceLoader.load(layer, GeneratorProvider.class).stream().toList()) {
                if (p.type() == t.getClass()) {
                    return p.get();
                }
            }
        }
        return t;
    }
}
