package dev.nova.textgru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/** text-gru against the Nova compatibility kit, on its conformance profile (the provider's own: nova tck sees the same). */
class TextGruTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new TextGruProvider();
    }
}
