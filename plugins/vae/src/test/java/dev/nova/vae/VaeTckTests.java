package dev.nova.vae;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/** vae against the Nova compatibility kit, on its conformance profile (the provider's own: nova tck sees the same) (builtin:shapes at 12x12). */
class VaeTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new VaeProvider();
    }
}
