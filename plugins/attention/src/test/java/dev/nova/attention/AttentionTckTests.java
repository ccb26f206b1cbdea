package dev.nova.attention;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/** attention against the Nova compatibility kit, on its conformance profile (the provider's own: nova tck sees the same). */
class AttentionTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new AttentionProvider();
    }

}
