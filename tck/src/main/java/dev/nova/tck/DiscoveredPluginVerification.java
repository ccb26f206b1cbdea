package dev.nova.tck;

import dev.nova.api.GeneratorProvider;
import java.util.Objects;

/** The kit applied to a plugin that {@link Conformance} was handed at run time (by {@code nova tck}). */
final class DiscoveredPluginVerification extends GeneratorVerification {

    private static volatile GeneratorProvider target;

    static void target(GeneratorProvider provider) {
        target = provider;
    }

    @Override
    protected GeneratorProvider provider() {
        return Objects.requireNonNull(target, "no plugin under test");
    }
}
