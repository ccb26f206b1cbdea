package dev.nova.tck.selftest;

import dev.nova.api.Modality;

/** The correct text fixture as a service provider, for running the kit the way {@code nova tck} does. */
public final class CorrectTextProvider extends FixtureProvider {
    /** Creates the provider. */
    public CorrectTextProvider() {
        super(Modality.TEXT, Flaw.NONE);
    }
}
