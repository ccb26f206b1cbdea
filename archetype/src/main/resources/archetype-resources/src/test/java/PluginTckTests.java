package ${package};

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/**
 * Certifies the plugin against Nova's compatibility kit: each rule of its SPEC is a test here, and a failure
 * names the rule and what was observed. The facts the rules need come from PluginProvider.conformance, so
 * `nova tck --plugin-path target/plugin` gives the same verdict.
 */
class PluginTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new PluginProvider();
    }
}
