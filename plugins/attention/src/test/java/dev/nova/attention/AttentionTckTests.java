package dev.nova.attention;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/** attention against the Nova compatibility kit, on its tiny conformance config. */
class AttentionTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new AttentionProvider();
    }

    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("model.heads", 0));
    }
}
