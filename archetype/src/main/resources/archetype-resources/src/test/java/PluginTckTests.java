package ${package};

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/**
 * Certifies the plugin against Nova's compatibility kit: each rule of its SPEC is a test here, and a failure
 * names the rule and what was observed. `nova tck --plugin-path target/plugin` gives the same verdict.
 */
class PluginTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new PluginProvider();
    }

    /** Samples may use only these characters (those of the conformance corpus). */
    @Override
    protected Optional<String> vocabulary() {
        return Optional.of("the cat sat on the mat. ");
    }

    /** A setting out of range, which validate() must name. */
    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("train.batch", 0));
    }
}
