package com.example.markov;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;

/**
 * Certifies the plugin against Nova's compatibility kit (tck/SPEC.md): every rule is a test here. What the rules
 * need to know comes from the provider's conformance profile, so `nova tck` gives the same verdict.
 */
class MarkovTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new MarkovProvider();
    }
}
