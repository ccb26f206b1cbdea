package dev.nova.tck.selftest;

import dev.nova.api.Modality;

/** A wrong image fixture (ignores the sampling seed) as a service provider. */
public final class IgnoresSeedProvider extends FixtureProvider {
    /** Creates the provider. */
    public IgnoresSeedProvider() {
        super(Modality.IMAGE, Flaw.IGNORES_SEED);
    }
}
