package dev.nova.audiogru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/**
 * audio-gru conditioned on its data's classes ({@code model.conditioning = class}, builtin:tones' classes) against
 * the Nova compatibility kit: the rules of labels (4.13) and reference data (11.1) apply to this configuration only.
 */
class AudioGruClassesTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new AudioGruProvider(), "model.conditioning = class", false);
    }
}
