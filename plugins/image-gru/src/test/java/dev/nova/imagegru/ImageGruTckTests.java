package dev.nova.imagegru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/** image-gru against the Nova compatibility kit, on its tiny conformance config (builtin:shapes at 8x8). */
class ImageGruTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new ImageGruProvider();
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("model.hidden", 0));
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidGenerationOption() {
        return Optional.of(Map.entry("temperature", -1.0));
    }
}
