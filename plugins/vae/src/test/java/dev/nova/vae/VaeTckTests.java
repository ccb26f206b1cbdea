package dev.nova.vae;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/** vae against the Nova compatibility kit, on its tiny conformance config (builtin:shapes at 12x12). */
class VaeTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new VaeProvider();
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("model.latent", 0));
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidGenerationOption() {
        return Optional.of(Map.entry("temperature", -1.0));
    }
}
