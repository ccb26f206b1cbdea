package dev.nova.tck.selftest;

import dev.nova.api.Modality;

/** The correct image fixture as a public provider, which a JVM of its own can construct (rule 3.7). */
public final class CorrectImageProvider extends FixtureProvider {
    /** Creates the provider. */
    public CorrectImageProvider() {
        super(Modality.IMAGE, Flaw.NONE);
    }
}
