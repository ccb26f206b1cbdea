package dev.nova.tck.selftest;

import dev.nova.api.Modality;

/** The correct audio fixture as a public provider, which a JVM of its own can construct (rule 3.7). */
public final class CorrectAudioProvider extends FixtureProvider {
    /** Creates the provider. */
    public CorrectAudioProvider() {
        super(Modality.AUDIO, Flaw.NONE);
    }
}
