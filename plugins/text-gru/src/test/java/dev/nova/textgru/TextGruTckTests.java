package dev.nova.textgru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/** text-gru against the Nova compatibility kit, on its tiny conformance config. */
class TextGruTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new TextGruProvider();
    }

    @Override
    protected Optional<String> vocabulary() {
        return Optional.of("the cat sat on the mat. the dog sat on the log. ");
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("model.hidden", -1));
    }
}
