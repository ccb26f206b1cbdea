package com.example.markov;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/** Certifies the plugin against Nova's compatibility kit (tck/SPEC.md): every rule is a test here. */
class MarkovTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return new MarkovProvider();
    }

    /** The characters of the conformance corpus: samples must use only these (rule 4.4). */
    @Override
    protected Optional<String> vocabulary() {
        return Optional.of("the cat sat on the mat. the dog sat on the log. ");
    }

    /** A setting out of range that validate() must name (rule 2.4). */
    @Override
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return Optional.of(Map.entry("order", 0));
    }
}
