package dev.nova.audiogru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/** audio-gru against the Nova compatibility kit, on its conformance profile (the provider's own). */
class AudioGruTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new AudioGruProvider();
    }
}
