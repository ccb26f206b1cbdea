package dev.nova.imagegru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/** image-gru against the Nova compatibility kit, on its conformance profile (the provider's own: nova tck sees the same) (builtin:shapes at 8x8). */
class ImageGruTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new ImageGruProvider();
    }
}
